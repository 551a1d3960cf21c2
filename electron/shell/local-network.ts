// macOS 15+ asks before an app may reach local networks, and the VMs are on one. As soon as the
// first VM of this run has an address (before Clave's ssh needs it), one harmless connection to
// it (core: host/net-probe.ts probeLocalNetwork) raises that prompt; if the answer was no, the person hears at once
// what to do instead of waiting for ssh to give up. The CLI from Terminal is exempt (TN3179).
import type { MessageBoxOptions, MessageBoxReturnValue } from 'electron';
import type { ClaveApi } from '../../shared/api';
import type { LocalNetworkProbe } from '../core/host/net-probe';

export interface LocalNetworkWatchOptions {
  api: ClaveApi;
  platform: NodeJS.Platform;
  probe(host: string): Promise<LocalNetworkProbe>;
  dialogs: { showMessageBox(options: MessageBoxOptions): Promise<MessageBoxReturnValue> };
}

/** Probes the first VM address a session reports; returns the unsubscribe. */
export function watchLocalNetwork(o: LocalNetworkWatchOptions): () => void {
  if (o.platform !== 'darwin') return () => {};
  let busy = false;
  let done = false;
  const off = o.api.on('session.updated', (s) => {
    if (done || busy || s.vmIp === null) return;
    busy = true;
    void o.probe(s.vmIp).then(async (result) => {
      busy = false;
      // "unknown" (no answer yet): the next address a session reports tries again.
      if (result.state === 'unknown' || done) return;
      done = true;
      off();
      if (result.state === 'refused') {
        await o.dialogs.showMessageBox({
          type: 'warning',
          message: result.problem.what,
          detail: `${result.problem.why}\n\n${result.problem.fix}`,
          buttons: ['OK'],
        });
      }
    });
  });
  return () => {
    done = true;
    off();
  };
}
