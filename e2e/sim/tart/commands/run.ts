// `tart run <name> [flags]`: stays in the foreground for the VM's whole life (Commands/Run.swift).
// A VM here is guest/init.sh as PID 1 of fresh namespaces, plugged into the simulated vmnet bridge.
// Timeline: power on → (boot delay) → DHCP lease, `tart ip` answers → (sshd delay) → sshd on :22.
// SIGINT stops the VM (host-side stop), SIGUSR2 asks the guest to power off; both exit 0, as does a
// guest power-off. SIGTERM is not handled (as in Tart): the process dies and the guest with it.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GUEST_REPO_DIR, REPO_DIR, simSettings } from '../../config';
import { faultNumber, findFault, loadFaults } from '../../faults';
import { withLock } from '../../util/lock';
import { selfRef, sleep } from '../../util/proc';
import { ValidationError, type CommandDef, type Parsed } from '../cli';
import { groupShares, parseDirShare } from '../dirshare';
import { OtherError, RuntimeError } from '../errors';
import { GuestProcess } from '../guest';
import { GUEST_HOSTNAME, guestIds } from '../image';
import { allocateIp, attachGuest, configureGuestIp, vethName } from '../network';
import { guestPrograms } from '../programs';
import {
  gc,
  grantLease,
  idmapHelper,
  newRunId,
  runDirOf,
  teardownRun,
  writeState,
  type RunState,
} from '../runtime';
import type { TartHome, VMDir } from '../store';
import { randomMac } from '../vmconfig';

const flag = (long: string, key: string, help: string, hidden = false) =>
  ({ kind: 'flag', long, key, help, hidden }) as const;
const opt = (long: string, key: string, valueName: string, help: string, repeating = false) =>
  ({ kind: 'option', long, key, valueName, help, repeating }) as const;

export const runDef: CommandDef = {
  name: 'run',
  abstract: 'Run a VM',
  defs: [
    { kind: 'positional', key: 'name', valueName: 'name', help: 'VM name' },
    flag('no-graphics', 'noGraphics', "Don't open a UI window."),
    flag('serial', 'serial', 'Open serial console in /dev/ttySXX'),
    opt('serial-path', 'serialPath', 'serial-path', 'Attach an externally created serial console'),
    flag('graphics', 'graphics', 'Force open a UI window, even when VNC is enabled.', true),
    flag('no-audio', 'noAudio', 'Disable audio pass-through to host.'),
    flag('no-clipboard', 'noClipboard', 'Disable clipboard sharing between host and guest.'),
    flag('recovery', 'recovery', 'Boot into recovery mode'),
    flag('vnc', 'vnc', 'Use screen sharing instead of the built-in UI.'),
    flag(
      'vnc-experimental',
      'vncExperimental',
      "Use Virtualization.Framework's VNC server instead of the built-in UI.",
    ),
    opt('disk', 'disk', 'path[:options]', 'Additional disk attachments', true),
    opt(
      'rosetta',
      'rosettaTag',
      'tag',
      'Attaches a Rosetta share to the guest Linux VM with a specific tag',
    ),
    opt(
      'dir',
      'dir',
      '[name:]path[:options]',
      'Additional directory shares with an optional read-only and mount tag options',
      true,
    ),
    flag('nested', 'nested', 'Enable nested virtualization if possible'),
    opt(
      'net-bridged',
      'netBridged',
      'interface name',
      'Use bridged networking instead of the default shared (NAT) networking',
      true,
    ),
    flag(
      'net-softnet',
      'netSoftnet',
      'Use software networking provided by Softnet instead of the default shared (NAT) networking',
    ),
    opt(
      'net-softnet-allow',
      'netSoftnetAllow',
      'comma-separated CIDRs',
      'Comma-separated list of CIDRs to allow the traffic to when using Softnet isolation',
    ),
    opt(
      'net-softnet-block',
      'netSoftnetBlock',
      'comma-separated CIDRs',
      'Comma-separated list of CIDRs to block the traffic to when using Softnet isolation',
    ),
    opt(
      'net-softnet-expose',
      'netSoftnetExpose',
      'comma-separated port specifications',
      'Comma-separated list of TCP ports to expose',
    ),
    flag('net-host', 'netHost', 'Restrict network access to the host-only network'),
    opt('root-disk-opts', 'rootDiskOpts', 'options', 'Set the root disk options'),
    flag(
      'suspendable',
      'suspendable',
      'Disables audio and entropy devices and switches to only Mac-specific input devices.',
    ),
    flag(
      'capture-system-keys',
      'captureSystemKeys',
      'Whether system hot keys should be sent to the guest instead of the host',
    ),
    flag('no-trackpad', 'noTrackpad', "Don't add trackpad as a pointing device on macOS VMs"),
    flag('no-pointer', 'noPointer', 'Disable the pointer'),
    flag('no-keyboard', 'noKeyboard', 'Disable the keyboard'),
  ],
};

function validate(home: TartHome, a: Parsed): VMDir {
  if (a.vnc && a.vncExperimental)
    throw new ValidationError('--vnc and --vnc-experimental are mutually exclusive');
  const softnet = !!(a.netSoftnet || a.netSoftnetAllow || a.netSoftnetBlock || a.netSoftnetExpose);
  const netFlags = [(a.netBridged as string[]).length > 0, softnet, !!a.netHost].filter(
    Boolean,
  ).length;
  if (netFlags > 1)
    throw new ValidationError('--net-bridged, --net-softnet and --net-host are mutually exclusive');
  if (a.graphics && a.noGraphics)
    throw new ValidationError('--graphics and --no-graphics are mutually exclusive');
  if ((a.noGraphics || a.vnc || a.vncExperimental) && a.captureSystemKeys) {
    throw new ValidationError('--captures-system-keys can only be used with the default VM view');
  }
  // validate() runs during argument parsing: a RuntimeError there is printed as "Error: …", exit 1.
  let vm: VMDir;
  try {
    vm = home.openLocal(a.name as string);
  } catch (e) {
    if (e instanceof RuntimeError) throw new OtherError(e.message);
    throw e;
  }
  const config = vm.config();
  if (vm.state() === 'suspended' || a.suspendable) {
    if (config.os !== 'darwin') throw new ValidationError('You can only suspend macOS VMs');
  }
  if (a.noTrackpad && config.os !== 'darwin') {
    throw new ValidationError('--no-trackpad can only be used with macOS VMs');
  }
  for (const d of a.disk as string[]) {
    if (d.endsWith('-amd64.iso')) {
      throw new ValidationError(
        "Seems you have a disk targeting x86 architecture (hence amd64 in the name). Please use an 'arm64' version of the disk.",
      );
    }
  }
  return vm;
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function out(line: string): void {
  try {
    process.stdout.write(line + '\n');
  } catch {
    // stdout closed: nobody is listening.
  }
}

function err(line: string): void {
  try {
    process.stderr.write(line + '\n');
  } catch {
    // stderr closed
  }
}

export async function runCommand(home: TartHome, a: Parsed): Promise<number> {
  const vm = validate(home, a);
  const name = vm.name;
  const s = simSettings();
  gc(s);

  const shares = groupShares((a.dir as string[]).map(parseDirShare));
  for (const d of a.disk as string[]) {
    const p = d.split(':')[0] ?? d;
    if (!existsSync(p))
      throw new OtherError(`The file “${p}” couldn’t be opened because there is no such file.`);
  }
  for (const list of shares.values()) {
    for (const sh of list) {
      if (!existsSync(sh.path)) {
        throw new OtherError(
          `Error Domain=VZErrorDomain Code=2 "A directory sharing device configuration is invalid. The directory ${sh.path} does not exist."`,
        );
      }
    }
  }

  const faults = loadFaults();
  const runId = newRunId();
  const me = selfRef();
  let limitError: string | undefined;

  await withLock(home.lockPath, () => {
    const config = vm.config();
    const collision = home
      .localVMs()
      .some((d) => d.name !== name && d.running() && d.config().macAddress === config.macAddress);
    if (collision) {
      out('There is already a running VM with the same MAC address!');
      out('Resetting VM to assign a new MAC address...');
      config.macAddress = randomMac();
      vm.saveConfig(config);
    }
    if (vm.running())
      throw new RuntimeError('VMAlreadyRunning', `VM "${name}" is already running!`);
    const limit = faultNumber(faults, 'vm-limit', name, 2);
    if (limit !== undefined) {
      // Apple's limit is per Mac; the simulator counts this TART_HOME's running VMs, so tests
      // sharing a machine do not see each other's VMs.
      const others = home
        .localVMs()
        .filter((d) => d.name !== name && d.running())
        .map((d) => d.name);
      if (others.length >= limit) {
        limitError = `The number of VMs exceeds the system limit${others.length ? ` (other running VMs: ${others.join(', ')})` : ''}`;
        return;
      }
    }
    writeState(s, {
      runId,
      vmName: name,
      vmDir: vm.path,
      tartHome: home.root,
      run: me,
      mac: config.macAddress,
    });
    writeFileSync(vm.runMarkerPath, JSON.stringify({ ...me, runId }));
    vm.touch();
  });
  if (limitError) {
    err(limitError);
    return 1;
  }
  return boot(s, vm, runId, faults, shares);
}

async function boot(
  s: ReturnType<typeof simSettings>,
  vm: VMDir,
  runId: string,
  faults: ReturnType<typeof loadFaults>,
  shares: ReturnType<typeof groupShares>,
): Promise<number> {
  const name = vm.name;
  const runDir = runDirOf(s, runId);
  const state: RunState = JSON.parse(readFileSync(join(runDir, 'state.json'), 'utf8')) as RunState;
  const save = () => writeState(s, state);
  let finished = false;
  const cleanup = () => {
    if (finished) return;
    finished = true;
    try {
      teardownRun(s, state);
    } catch (e) {
      err(`tart-sim: cleanup failed: ${(e as Error).message}`);
    }
    try {
      const m = JSON.parse(readFileSync(vm.runMarkerPath, 'utf8')) as { runId: string };
      if (m.runId === runId) rmSync(vm.runMarkerPath, { force: true });
    } catch {
      // gone already
    }
  };

  if (findFault(faults, 'run-start-fail', name)) {
    err(
      'Error Domain=VZErrorDomain Code=1 "Internal Virtualization error. The virtual machine failed to start."',
    );
    cleanup();
    return 1;
  }

  let guest: GuestProcess;
  try {
    const upper = join(vm.rootfsDir, 'upper');
    const ids = guestIds(upper);
    const shareLines: string[] = [];
    for (const [tag, list] of shares) {
      for (const sh of list) {
        shareLines.push([tag, sh.name ?? '-', sh.readOnly ? '1' : '0', sh.path].join('\t'));
      }
    }
    const env: Record<string, string> = {
      DISK_DIR: vm.rootfsDir,
      REPO_DIR,
      GUEST_REPO_DIR,
      GUEST_HOSTNAME,
      GUEST_UID: String(ids.uid),
      GUEST_GID: String(ids.gid),
      IDMAP_BIN: shareLines.length ? idmapHelper(s) : '/bin/false',
      MOUNT_FAIL: String(faultNumber(faults, 'mount-fail', name, 1) ?? 0),
      NODE: process.execPath,
      PROGRAMS_DIR: (await guestPrograms(s)) ?? '',
      VM_NAME: name,
      // The profile's delays for the guest's stand-ins (composer, claude): fixed at boot.
      GUEST_TIMING: JSON.stringify(s.guest),
    };
    writeFileSync(
      join(runDir, 'boot.env'),
      Object.entries(env)
        .map(([k, v]) => `${k}=${shellQuote(v)}`)
        .join('\n') + '\n',
    );
    writeFileSync(
      join(runDir, 'shares.list'),
      shareLines.join('\n') + (shareLines.length ? '\n' : ''),
    );
    guest = new GuestProcess(runDir);
    state.unshare = guest.unshare;
    save();
    await guest.ready();
    state.guest = await guest.guestPid();
    state.ip = allocateIp(s, runId, state.run);
    state.veth = vethName(runId);
    save();
    attachGuest(s, state.guest.pid, state.veth, state.mac);
  } catch (e) {
    err(
      `Error Domain=VZErrorDomain Code=1 "The virtual machine failed to start: ${(e as Error).message}"`,
    );
    cleanup();
    return 1;
  }

  // From here on the VM runs until the guest stops or we are told to stop it.
  let stopReason: 'sigint' | 'request' | 'crash' | undefined;
  const timers: NodeJS.Timeout[] = [];
  const bootDelay = faultNumber(faults, 'slow-boot', name, s.bootDelayMs) ?? s.bootDelayMs;
  const sshdDelay = faultNumber(faults, 'sshd-late', name, s.sshdDelayMs) ?? s.sshdDelayMs;
  const sshdMode = findFault(faults, 'sshd-refuse', name)
    ? 'refuse'
    : findFault(faults, 'sshd-auth-fail', name)
      ? 'auth-fail'
      : 'on';
  const noIp = !!findFault(faults, 'no-ip', name);
  const crashAfter = faultNumber(faults, 'run-crash', name, 0);
  const abortAfter = faultNumber(faults, 'run-abort', name, 0);

  timers.push(
    setTimeout(() => {
      if (stopReason || !state.guest) return;
      try {
        if (!noIp && state.ip) {
          configureGuestIp(state.guest.pid, state.ip);
          grantLease(s, GUEST_HOSTNAME, state.ip, state.mac);
          state.booted = true;
          save();
        }
        guest.send(`boot ${sshdDelay} ${sshdMode}`);
      } catch (e) {
        err(`tart-sim: boot failed: ${(e as Error).message}`);
      }
      if (crashAfter !== undefined) {
        timers.push(
          setTimeout(() => {
            stopReason = 'crash';
            guest.cut();
          }, crashAfter),
        );
      }
      if (abortAfter !== undefined) {
        timers.push(setTimeout(() => process.kill(process.pid, 'SIGKILL'), abortAfter));
      }
    }, bootDelay),
  );

  process.on('SIGINT', () => {
    if (stopReason) return;
    stopReason = 'sigint';
    out('Stopping VM...');
    guest.cut();
  });
  process.on('SIGUSR2', () => {
    out('Requesting guest OS to stop...');
    stopReason ??= 'request';
    guest.send('poweroff');
  });
  process.on('SIGUSR1', () => {
    // Suspend works for macOS guests only.
    out(
      'Failed to suspend the VM: the virtual machine configuration does not support saving and restoring',
    );
    stopReason = 'sigint';
    guest.cut();
  });
  // Sim-only: an external trigger for a Virtualization error (used by the test harness).
  process.on('SIGPWR', () => {
    stopReason = 'crash';
    guest.cut();
  });

  await guest.exited;
  for (const t of timers) clearTimeout(t);
  if (stopReason === 'crash') {
    out(
      'guest has stopped the virtual machine due to error: Error Domain=VZErrorDomain Code=1 "Internal Virtualization error. The virtual machine stopped unexpectedly." UserInfo={NSLocalizedFailure=Internal Virtualization error., NSLocalizedFailureReason=The virtual machine stopped unexpectedly.}',
    );
  } else if (stopReason !== 'sigint') {
    out(
      guest.poweredOff
        ? 'guest has stopped the virtual machine'
        : 'guest has stopped the virtual machine due to error: Error Domain=VZErrorDomain Code=1 "The virtual machine stopped unexpectedly."',
    );
  }
  cleanup();
  // Give stdout a moment to drain to a pipe.
  await sleep(10);
  return 0;
}
