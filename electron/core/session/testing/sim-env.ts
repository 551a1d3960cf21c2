// A clean world for session tests on the simulated VM host (e2e/sim/harness.ts): private
// TART_HOME, Herd under HOME, short boot delays, plus a CLAVE_HOME with fast timeouts, a test
// credential and a Laravel-shaped git project. Everything goes in cleanup().
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSimHost, type SimHost, type SimHostOptions } from '../../../../e2e/sim/harness';

const REPO = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../..');
export const CLAVE_BIN = path.join(REPO, 'bin/clave');

export interface SimWorld {
  sim: SimHost;
  env: NodeJS.ProcessEnv;
  claveHome: string;
  tart(...args: string[]): Promise<string>;
  herd(...args: string[]): Promise<string>;
  /** A new Laravel-shaped git project (artisan, public/, a gitignored .env) named `name`. */
  project(name: string): string;
  cleanup(): Promise<void>;
}

export async function createSimWorld(options: SimHostOptions = {}): Promise<SimWorld> {
  const sim = await createSimHost(options);
  const claveHome = path.join(sim.root, 'clave');
  mkdirSync(claveHome, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...sim.processEnv(),
    CLAVE_HOME: claveHome,
    ANTHROPIC_API_KEY: 'sk-ant-api03-test-key-for-the-simulated-host-0123456789',
    GIT_AUTHOR_NAME: 'Test',
    GIT_AUTHOR_EMAIL: 'test@example.com',
    GIT_COMMITTER_NAME: 'Test',
    GIT_COMMITTER_EMAIL: 'test@example.com',
  };
  delete env.CLAUDE_CODE_OAUTH_TOKEN;
  writeFileSync(
    path.join(claveHome, 'settings.json'),
    JSON.stringify({
      vm: { cpus: 1, memoryMb: 1024 },
      timeouts: { ipSeconds: 30, sshSeconds: 30, mountSeconds: 10, commandSeconds: 60 },
      // No standby VMs (session/pool/) unless a test turns the pool on: one VM per session.
      pool: { size: 0 },
    }),
  );
  const tool = async (r: ReturnType<SimHost['tart']>) => {
    const out = await r;
    if (out.code !== 0) throw new Error(out.stderr || `exit ${out.code}`);
    return out.stdout;
  };
  return {
    sim,
    env,
    claveHome,
    tart: (...args) => tool(sim.tart(args)),
    herd: (...args) => tool(sim.herd(args)),
    project(name) {
      // A retried test asks for the same name again: give it a fresh folder.
      let dir = path.join(sim.root, 'projects', name);
      for (let n = 2; existsSync(dir); n++) dir = path.join(sim.root, 'projects', `${name}-${n}`);
      mkdirSync(path.join(dir, 'public'), { recursive: true });
      writeFileSync(path.join(dir, 'artisan'), '#!/usr/bin/env php\n<?php\n');
      writeFileSync(path.join(dir, 'composer.json'), '{"name":"demo/app","require":{}}\n');
      // Laravel apps commit their lock file; without one, composer install would create it.
      writeFileSync(path.join(dir, 'composer.lock'), '{"packages":[],"packages-dev":[]}\n');
      writeFileSync(path.join(dir, 'public/index.html'), '<h1>Hello from the session VM</h1>\n');
      writeFileSync(path.join(dir, '.gitignore'), '.env\n/vendor/\n');
      writeFileSync(
        path.join(dir, '.env'),
        'APP_KEY=base64:dGVzdA==\nDB_CONNECTION=mysql\nDB_HOST=127.0.0.1\nDB_PORT=3306\n',
      );
      const git = (...a: string[]) => execFileSync('git', a, { cwd: dir, env });
      git('init', '-q', '-b', 'main');
      git('add', '-A');
      git('commit', '-qm', 'Initial commit');
      return dir;
    },
    cleanup: () => sim.cleanup(),
  };
}

/** The base VM sessions clone, as `clave provision` leaves it (the sim's image has the tools). */
export async function provisionBase(world: SimWorld, name = 'clave-base'): Promise<void> {
  await world.tart('clone', 'ghcr.io/cirruslabs/ubuntu:latest', name);
}
