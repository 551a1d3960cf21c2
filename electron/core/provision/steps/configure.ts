// Provision 3: size the temporary VM (and give it its own MAC), and write the script into a
// folder of its own that the VM will see read-only.
import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { toScript } from '../script';
import type { ProvisionStep } from './step';

export const SCRIPT_NAME = 'provision.sh';

export const configure: ProvisionStep = {
  name: 'configure',
  label: 'Configure the VM',
  describe: (ctx) => `Giving ${ctx.tempVm} ${ctx.o.cpus} CPUs and ${ctx.o.memoryMb} MB`,
  failed: () => 'Could not configure the temporary VM',
  async run(ctx) {
    const { o } = ctx;
    await ctx.track(
      ctx.deps.vms.configure(
        ctx.tempVm!,
        { cpus: o.cpus, memoryMb: o.memoryMb, ...(o.diskGb ? { diskGb: o.diskGb } : {}) },
        ctx.signal,
      ),
    );
    const root = path.join(o.dataDir, 'provision');
    await mkdir(root, { recursive: true });
    ctx.scriptDir = await mkdtemp(path.join(root, `${ctx.runId}-`));
    // The guest reads it through the share; nothing in it is secret.
    await chmod(ctx.scriptDir, 0o755);
    const file = path.join(ctx.scriptDir, SCRIPT_NAME);
    await writeFile(file, toScript(ctx.spec, ctx.mode), { mode: 0o755 });
    ctx.note(`Script: ${file} (spec ${ctx.hash})`);
  },
};
