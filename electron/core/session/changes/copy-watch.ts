// A live watch of one session copy, filtered to what can change the diff, and coalesced: the first
// change starts a short wait, every change within it rides along, then one notice goes out. So a
// notice follows a change within DEBOUNCE_MS even while the agent writes without pause, and never
// more often.
//
// @parcel/watcher, not Node's fs.watch({recursive}): on Linux (Node 20) that one watches every
// FILE, scanning the tree synchronously — 21 s with the event loop blocked on a 50k-file copy,
// and no way to leave vendor/ or node_modules/ out. @parcel/watcher (VS Code's) watches folders
// on a native thread (inotify; FSEvents on macOS) with ignored folders never watched: 0.6 s to
// start on the same copy, with the event loop free.
import path from 'node:path';
import watcher from '@parcel/watcher';
import { UNWATCHED, changesTheDiff } from './relevant-path';

export const DEBOUNCE_MS = 200;

export class CopyWatch {
  private subscription: watcher.AsyncSubscription | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  private constructor(private readonly changed: () => void) {}

  /** Resolves once the copy is watched; rejects when it cannot be (e.g. it is gone). */
  static async start(dir: string, changed: () => void): Promise<CopyWatch> {
    const w = new CopyWatch(changed);
    const subscription = await watcher.subscribe(
      dir,
      (error, events) => {
        // The copy went away (merged, discarded, deleted by hand): nothing left to watch.
        if (error) return void w.close();
        const relevant = events.some((e) =>
          changesTheDiff(path.relative(dir, e.path).split(path.sep).join('/')),
        );
        if (relevant) w.timer ??= setTimeout(() => w.fire(), DEBOUNCE_MS);
      },
      { ignore: [...UNWATCHED] },
    );
    w.subscription = subscription;
    if (w.closed) await subscription.unsubscribe();
    return w;
  }

  private fire(): void {
    this.timer = null;
    if (!this.closed) this.changed();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    void this.subscription?.unsubscribe().catch(() => {});
    this.subscription = null;
  }
}
