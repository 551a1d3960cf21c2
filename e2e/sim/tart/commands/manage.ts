// `tart delete <name>…` and `tart rename <name> <new-name>`.
import { renameSync } from 'node:fs';
import { withLock } from '../../util/lock';
import { safeRemove } from '../../util/safe-rm';
import { ValidationError, type CommandDef, type Parsed } from '../cli';
import { RuntimeError } from '../errors';
import { deleteCached, isRemoteName, parseRemoteName } from '../oci';
import type { TartHome } from '../store';

export const deleteDef: CommandDef = {
  name: 'delete',
  abstract: 'Delete a VM',
  defs: [{ kind: 'positional', key: 'names', valueName: 'name', help: 'VM name', repeating: true }],
};

export const renameDef: CommandDef = {
  name: 'rename',
  abstract: 'Rename a local VM',
  defs: [
    { kind: 'positional', key: 'name', valueName: 'name', help: 'VM name' },
    { kind: 'positional', key: 'newName', valueName: 'new-name', help: 'new VM name' },
  ],
};

export async function deleteCommand(home: TartHome, a: Parsed): Promise<void> {
  // Processing stops at the first failure.
  for (const name of a.names as string[]) {
    if (isRemoteName(name)) {
      deleteCached(home, parseRemoteName(name));
      continue;
    }
    const vm = home.openLocal(name);
    if (vm.running()) throw RuntimeError.isRunning(name);
    safeRemove(vm.path);
  }
}

export async function renameCommand(home: TartHome, a: Parsed): Promise<void> {
  const name = a.name as string;
  const newName = a.newName as string;
  if (newName.includes('/')) throw new ValidationError('<new-name> should be a local name');
  await withLock(home.lockPath, () => {
    if (!home.existsLocal(name)) {
      throw new ValidationError(`failed to rename a non-existent local VM: ${name}`);
    }
    if (home.existsLocal(newName)) {
      throw new ValidationError(
        `failed to rename VM ${name}, target VM ${newName} already exists, delete it first!`,
      );
    }
    // No running check, as in Tart: rename only stopped VMs.
    renameSync(home.vm(name).path, home.vm(newName).path);
  });
}
