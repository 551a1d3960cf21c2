// Run inside a network namespace whose routes refuse the VMs' subnet (local-network.int.test.ts):
// what the ssh adapter and the Local Network probe make of a real "no route to host".
import { probeLocalNetwork } from '../net-probe';
import { connectSsh, SshError } from '../ssh';

const [vmIp = '', unroutable = ''] = process.argv.slice(2);
const started = Date.now();
const ssh = await connectSsh({ host: vmIp, deadlineMs: 1500, retryDelayMs: 200 }).then(
  () => null,
  (e: unknown) => (e instanceof SshError ? e.toJSON() : { what: String(e) }),
);
const output = {
  ssh: { ...ssh, code: (ssh as { code?: string } | null)?.code, ms: Date.now() - started },
  probe: await probeLocalNetwork(vmIp),
  probeNoRoute: await probeLocalNetwork(unroutable),
  probeLoopback: await probeLocalNetwork('127.0.0.1', { port: 9 }),
};
process.stdout.write(JSON.stringify(output));
