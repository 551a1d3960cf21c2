// Provision 6: attach the script's folder in the guest — retried, since a share is not always
// ready the moment sshd is — and check that the guest sees exactly the generated script.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { command } from '../../host/shell-quote';
import { attachFolder } from '../../vm/attach';
import type { ProvisionContext } from '../context';
import { ProvisionError } from '../errors';
import { STAMP_PATH } from '../script';
import { GUEST_SCRIPT_DIR, SCRIPT_TAG, scriptFolder } from './boot';
import { SCRIPT_NAME } from './configure';
import type { ProvisionStep } from './step';

export const mount: ProvisionStep = {
  name: 'mount',
  label: 'Mount the script',
  describe: () => `Mounting the script folder at ${GUEST_SCRIPT_DIR}`,
  failed: () => 'Could not mount the provisioning script',
  async run(ctx) {
    const shell = ctx.shell!;
    const script = await readFile(path.join(ctx.scriptDir!, SCRIPT_NAME));
    const want = createHash('sha256').update(script).digest('hex');
    const file = `${GUEST_SCRIPT_DIR}/${SCRIPT_NAME}`;
    const attached = await ctx.track(
      attachFolder(ctx.deps.vms, shell, scriptFolder(ctx), {
        deadlineMs: ctx.o.timeouts.mountSeconds * 1000,
        signal: ctx.signal,
        verify: async () => {
          const r = await shell.exec(command(['sha256sum', file]), {
            timeoutMs: 30_000,
            signal: ctx.signal,
          });
          const got = r.stdout.trim().split(/\s+/)[0] ?? '';
          if (r.code === 0 && got === want) return null;
          return `the shared ${SCRIPT_NAME} does not match the generated one (sha256 ${got})`;
        },
        onFailedAttempt: (n, why) => ctx.note(`mount attempt ${n}: ${why}`),
      }),
    );
    if (!attached.ok) {
      throw new ProvisionError({
        code: 'provision.mount-failed',
        phase: 'mount',
        what: 'Could not mount the provisioning script inside the VM',
        why: attached.why,
        fix: `Check that the image supports VirtioFS (virtiofs kernel module); the share is tagged ${SCRIPT_TAG}. Then run the provision again.`,
        logFile: ctx.log.file,
      });
    }
    if (ctx.o.update) await noteBaseStamp(ctx);
  },
};

/** For --update: say so in the log when the base was built from other settings. */
async function noteBaseStamp(ctx: ProvisionContext): Promise<void> {
  const r = await ctx.track(
    ctx.shell!.exec(command(['cat', STAMP_PATH]), { timeoutMs: 15_000, signal: ctx.signal }),
  );
  let previous: string | undefined;
  try {
    previous = (JSON.parse(r.stdout) as { specHash?: string }).specHash;
  } catch {
    previous = undefined;
  }
  if (previous === undefined) {
    ctx.note(`The base has no readable ${STAMP_PATH}; updating it with spec ${ctx.hash}.`);
  } else if (previous !== ctx.hash) {
    ctx.note(`The base was built with spec ${previous}; the update applies spec ${ctx.hash}.`);
  }
}
