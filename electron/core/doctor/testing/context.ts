// A doctor context for tests: real settings and folders, the tools given by the test.
import { Settings } from '../../config/settings';
import type { DoctorContext } from '../check';

export function doctorContext(over: Partial<DoctorContext> = {}): DoctorContext {
  return {
    settings: Settings.parse({}),
    dataDir: '/nonexistent',
    env: {},
    platform: 'linux',
    arch: 'x64',
    osRelease: '6.1.0',
    tart: {
      locate: () => Promise.reject(new Error('no tart in this test')),
      version: () => Promise.reject(new Error('no tart in this test')),
      exists: () => Promise.resolve(false),
    },
    herd: {
      availability: () =>
        Promise.resolve({ available: false, reason: 'No herd.', fix: 'Install Herd.' }),
      tld: () => Promise.resolve('test'),
    },
    auth: { status: () => Promise.resolve({ method: 'none', source: 'none' }) },
    gateway: '192.168.64.1',
    vmAddresses: () => Promise.resolve([]),
    reachableFromVm: () => Promise.resolve(null),
    macFiles: { dhcpPlist: '/nonexistent/plist', dhcpLeases: '/nonexistent/leases' },
    now: () => Date.now(),
    ...over,
  };
}
