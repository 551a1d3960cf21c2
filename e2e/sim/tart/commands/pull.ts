// `tart pull <remote-name>`.
import { UINT64, type CommandDef, type Parsed } from '../cli';
import { parseRemoteName, pull } from '../oci';
import type { TartHome } from '../store';

/** The registry options `pull` and `clone` share (Tart declares them the same in both). */
export const REGISTRY_DEFS: CommandDef['defs'] = [
  {
    kind: 'flag',
    key: 'insecure',
    long: 'insecure',
    help: 'connect to the OCI registry via insecure HTTP protocol',
  },
  {
    kind: 'option',
    key: 'concurrency',
    long: 'concurrency',
    help: 'network concurrency to use when pulling a remote VM from the OCI-compatible registry',
    parse: UINT64,
  },
  { kind: 'flag', key: 'deduplicate', long: 'deduplicate', help: '', hidden: true },
];

export const pullDef: CommandDef = {
  name: 'pull',
  abstract: 'Pull a VM from a registry',
  defs: [
    { kind: 'positional', key: 'remoteName', valueName: 'remote-name', help: 'remote VM name' },
    ...REGISTRY_DEFS,
  ],
};

export async function pullCommand(home: TartHome, a: Parsed): Promise<void> {
  const name = a.remoteName as string;
  // Be helpful when someone tries to pull a local image, like Tart does.
  if (home.existsLocal(name)) {
    process.stdout.write(`"${name}" is a local image, nothing to pull here!\n`);
    return;
  }
  await pull(home, parseRemoteName(name));
}
