// What the host remembers about each base VM it provisioned: when, from which image and with which
// spec. The stamp inside the image says the same, but reading it means booting the VM; the doctor
// wants the answer in milliseconds.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { writePrivateFile } from '../host/private-file';

const BaseRecord = z.object({
  image: z.string(),
  specHash: z.string(),
  /** ISO time the provision finished. */
  provisionedAt: z.string(),
});
export type BaseRecord = z.infer<typeof BaseRecord>;
const Records = z.record(z.string(), BaseRecord);

const fileOf = (dataDir: string) => path.join(dataDir, 'base-vms.json');

async function readAll(dataDir: string): Promise<Record<string, BaseRecord>> {
  try {
    const parsed = Records.safeParse(JSON.parse(await readFile(fileOf(dataDir), 'utf8')));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

export async function readBaseRecord(dataDir: string, baseVm: string): Promise<BaseRecord | null> {
  return (await readAll(dataDir))[baseVm] ?? null;
}

export async function writeBaseRecord(
  dataDir: string,
  baseVm: string,
  record: BaseRecord,
): Promise<void> {
  const all = { ...(await readAll(dataDir)), [baseVm]: record };
  await writePrivateFile(fileOf(dataDir), JSON.stringify(all, null, 2) + '\n');
}
