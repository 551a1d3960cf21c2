// Who watches which session copy. A copy is watched only while at least one face asked for it
// (`changes.watch {on:true}`): nothing runs for a closed changes panel. A face that goes away
// stops watching everything it watched; the notice goes only to the faces watching.
import type { Client } from '../../api/dispatch';
import { CopyWatch } from './copy-watch';

interface Watched {
  watch: CopyWatch;
  clients: Map<string, Client>;
}

export class ChangesWatchers {
  private readonly watched = new Map<string, Watched>();
  private readonly known = new WeakSet<Client>();

  /** `copyOf` gives the session's copy folder (throws for an unknown session). */
  constructor(private readonly copyOf: (id: string) => string) {}

  set(client: Client, id: string, on: boolean): void {
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
      const watch = new CopyWatch(this.copyOf(id), () => {
        for (const c of clients.values()) c.send('changes.updated', { sessionId: id });
      });
      w = { watch, clients };
      this.watched.set(id, w);
    }
    w.clients.set(client.id, client);
  }

  /** How many faces watch the session (0: no watcher runs). */
  watching(id: string): number {
    return this.watched.get(id)?.clients.size ?? 0;
  }

  /** The session's copy is gone (merged or discarded): its watch ends for every face. */
  closeSession(id: string): void {
    this.watched.get(id)?.watch.close();
    this.watched.delete(id);
  }

  closeAll(): void {
    for (const w of this.watched.values()) w.watch.close();
    this.watched.clear();
  }

  private remove(clientId: string, id: string): void {
    const w = this.watched.get(id);
    if (!w) return;
    w.clients.delete(clientId);
    if (w.clients.size > 0) return;
    w.watch.close();
    this.watched.delete(id);
  }
}
