// Who watches which session copy. A copy is watched only while at least one face asked for it
// (`changes.watch {on:true}`): nothing runs for a closed changes panel. A face that goes away
// stops watching everything it watched; the notice goes only to the faces watching.
import type { Client } from '../../api/dispatch';
import { CopyWatch } from './copy-watch';

interface Watched {
  /** Started once for all the faces; two quick `on`s share it. */
  watch: Promise<CopyWatch>;
  clients: Map<string, Client>;
}

const closeWhenStarted = (w: Watched) =>
  void w.watch.then(
    (x) => x.close(),
    () => {},
  );

export class ChangesWatchers {
  private readonly watched = new Map<string, Watched>();
  private readonly known = new WeakSet<Client>();

  /** `copyOf` gives the session's copy folder (throws for an unknown session). */
  constructor(private readonly copyOf: (id: string) => string) {}

  async set(client: Client, id: string, on: boolean): Promise<void> {
    if (!on) return this.remove(client.id, id);
    if (!this.known.has(client)) {
      this.known.add(client);
      client.onClose(() => {
        for (const sessionId of [...this.watched.keys()]) this.remove(client.id, sessionId);
      });
    }
    let w = this.watched.get(id);
    if (!w) {
      const clients = new Map<string, Client>();
      const watch = CopyWatch.start(this.copyOf(id), () => {
        for (const c of clients.values()) c.send('changes.updated', { sessionId: id });
      });
      const started: Watched = { watch, clients };
      w = started;
      this.watched.set(id, started);
      watch.catch(() => {
        if (this.watched.get(id) === started) this.watched.delete(id);
      });
    }
    w.clients.set(client.id, client);
    await w.watch;
  }

  /** How many faces watch the session (0: no watcher runs). */
  watching(id: string): number {
    return this.watched.get(id)?.clients.size ?? 0;
  }

  /** The session's copy is gone (merged or discarded): its watch ends for every face. */
  closeSession(id: string): void {
    const w = this.watched.get(id);
    if (w) closeWhenStarted(w);
    this.watched.delete(id);
  }

  closeAll(): void {
    for (const w of this.watched.values()) closeWhenStarted(w);
    this.watched.clear();
  }

  private remove(clientId: string, id: string): void {
    const w = this.watched.get(id);
    if (!w) return;
    w.clients.delete(clientId);
    if (w.clients.size > 0) return;
    closeWhenStarted(w);
    this.watched.delete(id);
  }
}
