// How long Clave waits for a VM, in one schema for sessions (settings.json) and provisioning: one
// set of defaults, chosen for a first boot of a freshly pulled image on a busy Mac.
import { z } from 'zod';

export const Timeouts = z.object({
  /** For the VM's network address after it starts. */
  ipSeconds: z.number().int().positive().default(120),
  /** For sshd after the address appears. */
  sshSeconds: z.number().int().positive().default(120),
  /** For a shared folder to mount in the guest. */
  mountSeconds: z.number().int().positive().default(30),
  /** For one bootstrap command of a session (composer install, migrations). */
  commandSeconds: z.number().int().positive().default(600),
  /** For the whole provisioning script. */
  scriptSeconds: z.number().int().positive().default(3600),
  /** For the guest to power off when asked, before it is stopped. */
  shutdownSeconds: z.number().int().positive().default(60),
});
export type Timeouts = z.output<typeof Timeouts>;
