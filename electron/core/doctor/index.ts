// The doctor: one check list for first run, the settings window and `clave doctor`.
import type { DoctorCheck } from '../../../shared/api';
import { baseImageCheck } from './base-image';
import { runChecks, type Check, type DoctorContext } from './check';
import { claudeAuthCheck } from './claude-auth';
import { dhcpCheck } from './dhcp';
import { diskCheck } from './disk';
import { herdCheck } from './herd';
import { hostCheck } from './host';
import { localNetworkCheck } from './local-network';
import { orchardCheck } from './orchard';
import { servicesCheck } from './services';
import { tartCheck } from './tart';

export type { DoctorContext } from './check';

/** In the order a newcomer fixes things. */
export const DOCTOR_CHECKS: readonly Check[] = [
  hostCheck,
  tartCheck,
  baseImageCheck,
  claudeAuthCheck,
  orchardCheck,
  herdCheck,
  servicesCheck,
  localNetworkCheck,
  diskCheck,
  dhcpCheck,
];

export function runDoctor(ctx: DoctorContext): Promise<DoctorCheck[]> {
  return runChecks(DOCTOR_CHECKS, ctx);
}

/** The files macOS keeps the VM network's DHCP state in (contracts/tart.md). */
export const MAC_DHCP_FILES = {
  dhcpPlist: '/Library/Preferences/SystemConfiguration/com.apple.InternetSharing.default.plist',
  dhcpLeases: '/var/db/dhcpd_leases',
};
