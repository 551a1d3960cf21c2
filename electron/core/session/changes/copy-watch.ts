// A live watch of one session copy: a recursive fs.watch (FSEvents on macOS, inotify per folder on
// Linux, Node 20+), filtered to what can change the diff, and coalesced: the first change starts
// a short wait, every change within it rides along, then one notice goes out. So a notice follows
// a change within DEBOUNCE_MS even while the agent writes without pause, and never more often.
import { watch, type FSWatcher } from 'node:fs';
import { changesTheDiff } from './relevant-path';

export const DEBOUNCE_MS = 200;

export class CopyWatch {
  private watcher: FSWatcher | null;
  private timer: NodeJS.Timeout | null = null;

  constructor(dir: string, changed: () => void) {
    const fire = () => {
      this.timer = null;
      changed();
    };
    this.watcher = watch(dir, { recursive: true, persistent: false }, (_event, file) => {
      // No name: something changed, the watcher cannot say where.
      if (file !== null && !changesTheDiff(file.toString())) return;
      this.timer ??= setTimeout(fire, DEBOUNCE_MS);
    });
    // The copy went away (merged, discarded, deleted by hand): nothing left to watch.
    this.watcher.on('error', () => this.close());
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.watcher?.close();
    this.watcher = null;
  }
}
