// What Clave sends to and reads from an Orchard controller (contracts/orchard.md §3; field names
// as pkg/resource/v1 spells them). Only the fields Clave uses are declared; the rest pass through,
// so a newer controller's additions neither break parsing nor get lost.
import { z } from 'zod';

/** Orchard's resource names: a DNS-label-like simple name (internal/simplename). */
export const VmName = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, 'lowercase letters, digits and dashes');

export const VmStatus = z.enum(['pending', 'running', 'failed', 'stopping', 'stopped']);
export type VmStatus = z.infer<typeof VmStatus>;

/** The VM resource as the controller returns it. */
export const Vm = z.looseObject({
  name: z.string(),
  image: z.string().optional(),
  cpu: z.number().optional(),
  memory: z.number().optional(),
  // An unknown future status is not a parse failure: it is "not running yet".
  status: z.union([VmStatus, z.string()]).optional(),
  status_message: z.string().optional(),
  worker: z.string().optional(),
  labels: z.record(z.string(), z.string()).nullish(),
  uid: z.string().optional(),
});
export type Vm = z.infer<typeof Vm>;

export const VmList = z.array(Vm).max(10_000);

/** What Clave asks for in `POST /vms` (VMMeta + VMSpec). */
export interface VmSpec {
  name: string;
  os: 'linux';
  arch: 'arm64';
  image: string;
  cpu: number;
  memory: number;
  headless: true;
  username: string;
  password: string;
  restart_policy: 'Never';
  /** What a worker must have to take the VM (a scheduling constraint, not a tag). */
  labels?: Record<string, string>;
  resources?: Record<string, number>;
}

/** One line of `GET /vms/{name}?watch=true` (application/x-ndjson). */
export const WatchEvent = z.looseObject({
  type: z.enum(['ADDED', 'MODIFIED', 'DELETED']),
  object: Vm,
});
export type WatchEvent = z.infer<typeof WatchEvent>;

/** The controller's error body (internal/controller/errorresponse.go). */
export const ErrorBody = z.looseObject({ message: z.string().max(4096) });
