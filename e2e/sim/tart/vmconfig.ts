// config.json of a VM, as Tart's VMConfig encodes it (Sources/tart/VMConfig.swift).
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { swiftJson } from '../util/swift-json';

export interface DisplayConfig {
  width: number;
  height: number;
  unit?: 'pt' | 'px';
}

export interface VMConfig {
  version: number;
  os: 'linux' | 'darwin';
  arch: 'arm64' | 'amd64';
  cpuCountMin: number;
  cpuCount: number;
  memorySizeMin: number;
  memorySize: number;
  macAddress: string;
  display: DisplayConfig;
  displayRefit?: boolean;
  diskFormat: 'raw' | 'asif';
}

/** VZVirtualMachineConfiguration.minimumAllowedCPUCount / minimumAllowedMemorySize. */
export const MIN_CPU = 1;
export const MIN_MEMORY_BYTES = 128 * 1024 * 1024;

/** A random locally administered unicast MAC, like VZMACAddress.randomLocallyAdministered(). */
export function randomMac(): string {
  const b = randomBytes(6);
  b[0] = ((b[0] ?? 0) & 0xfc) | 0x02;
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
}

export function readConfig(path: string): VMConfig {
  return JSON.parse(readFileSync(path, 'utf8')) as VMConfig;
}

/** Key order as VMConfig.encode(to:) writes them. */
export function encodeConfig(c: VMConfig): string {
  return swiftJson({
    version: c.version,
    os: c.os,
    arch: c.arch,
    cpuCountMin: c.cpuCountMin,
    cpuCount: c.cpuCount,
    memorySizeMin: c.memorySizeMin,
    memorySize: c.memorySize,
    macAddress: c.macAddress,
    display: { width: c.display.width, height: c.display.height, unit: c.display.unit },
    displayRefit: c.displayRefit,
    diskFormat: c.diskFormat,
  });
}

export function writeConfig(path: string, c: VMConfig): void {
  writeFileSync(path, encodeConfig(c));
}

export function displayString(d: DisplayConfig): string {
  return `${d.width}x${d.height}${d.unit ?? ''}`;
}

/** `tart set --display` parsing (VMDisplayConfig ExpressibleByArgument): never fails. */
export function parseDisplay(arg: string): DisplayConfig {
  let a = arg;
  const at = a.lastIndexOf('@');
  if (at >= 0) a = a.slice(0, at); // @PPI hint: accepted, not modelled
  let unit: DisplayConfig['unit'];
  if (a.endsWith('px')) {
    unit = 'px';
    a = a.slice(0, -2);
  } else if (a.endsWith('pt')) {
    unit = 'pt';
    a = a.slice(0, -2);
  }
  const parts = a.split('x').map((p) => (/^[+-]?\d+$/.test(p) ? Number(p) : 0));
  return { width: parts[0] ?? 0, height: parts[1] ?? 0, ...(unit ? { unit } : {}) };
}
