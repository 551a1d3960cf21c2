// `tart ip <name> [--wait N] [--resolver dhcp|arp|agent]` (Commands/IP.swift): reads the MAC once,
// tries once, then every second until the deadline; prints one line or fails with exit 1.
import { simSettings } from '../../config';
import { sleep } from '../../util/proc';
import { UINT16, enumOf, type CommandDef, type Parsed } from '../cli';
import { RuntimeError } from '../errors';
import { resolveMac } from '../leases';
import { allStates, readLeases } from '../runtime';
import type { TartHome } from '../store';

const RESOLVERS = ['dhcp', 'arp', 'agent'] as const;

export const ipDef: CommandDef = {
  name: 'ip',
  abstract: "Get VM's IP address",
  defs: [
    { kind: 'positional', key: 'name', valueName: 'name', help: 'VM name' },
    {
      kind: 'option',
      key: 'wait',
      long: 'wait',
      help: 'Number of seconds to wait for a potential VM booting',
      parse: UINT16,
    },
    {
      kind: 'option',
      key: 'resolver',
      long: 'resolver',
      help: 'Strategy for resolving IP address',
      parse: enumOf(RESOLVERS),
      allValues: RESOLVERS,
    },
  ],
};

export async function ipCommand(home: TartHome, a: Parsed): Promise<void> {
  const s = simSettings();
  const vm = home.openLocal(a.name as string);
  const mac = vm.config().macAddress;
  const resolver = (a.resolver as string | undefined) ?? 'dhcp';
  const deadline = Date.now() + ((a.wait as number | undefined) ?? 0) * 1000;

  const resolveOnce = (): string | undefined => {
    if (resolver === 'dhcp') return resolveMac(readLeases(s), mac);
    // arp and agent need the guest to be up; both answer from the running guest's state.
    const st = allStates(s).find((x) => x.vmDir === vm.path && x.booted);
    if (!st?.ip || !vm.running()) return undefined;
    return resolver === 'arp' ? resolveMac(readLeases(s), mac) : st.ip;
  };

  for (;;) {
    const ip = resolveOnce();
    if (ip) {
      process.stdout.write(ip + '\n');
      return;
    }
    if (Date.now() >= deadline) break;
    await sleep(Math.min(s.ipPollMs, Math.max(0, deadline - Date.now()) + 1));
  }
  let message = 'no IP address found';
  if (!vm.running()) message += ', is your VM running?';
  if (resolver === 'agent')
    message += ' (also make sure that Guest agent for Tart is running inside of a VM)';
  else if (resolver === 'arp')
    message += ' (not all Linux distributions are compatible with the ARP resolver)';
  throw new RuntimeError('NoIPAddressFound', message);
}
