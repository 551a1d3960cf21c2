// What a standby session (session/pool/) was prepared from, stored on its record: a claim serves
// it only while this still holds (the base image and session settings unchanged).
import { z } from 'zod';

export const StandbyFacts = z.object({
  /** The base VM, its provision record and the session settings, as one fingerprint. */
  stamp: z.string(),
});
export type StandbyFacts = z.infer<typeof StandbyFacts>;
