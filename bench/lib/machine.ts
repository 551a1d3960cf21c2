// The machine a run measured on, printed with every table and kept in the JSON file.
import os from 'node:os';
import { chromiumVersion, compositing, type Compositing } from './browser';

export interface Machine {
  cores: number;
  cpu: string;
  memoryGb: number;
  loadAverage: number[];
  platform: string;
  node: string;
  chromium: string;
  compositing: Compositing;
}

export function describeMachine(): Machine {
  return {
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    chromium: chromiumVersion(),
    compositing: compositing(),
  };
}
