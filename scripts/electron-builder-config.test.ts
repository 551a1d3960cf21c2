// The macOS package as build/electron-builder.yml declares it, checked where Linux can check it:
// the installed electron-builder's own schema, the Info.plist keys, entitlements, which native
// files leave the asar, the rebuild for Electron's ABI, icons from their one source, the update
// feed — and the plan dist:mac applies for the credentials at hand (scripts/release-plan.ts).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { applyPlan, releasePlan } from './release-plan';

const ROOT = path.resolve(import.meta.dirname, '..');
const at = (...p: string[]) => path.join(ROOT, ...p);

interface BuilderConfig {
  files: string[];
  extraResources: { from: string; to: string; filter: string[] }[];
  asarUnpack: string[];
  npmRebuild?: boolean;
  publish: { provider: string; url: string }[];
  mac: {
    target: { target: string; arch: string }[];
    icon: string;
    hardenedRuntime: boolean;
    entitlements: string;
    entitlementsInherit: string;
    notarize: boolean;
    extendInfo: Record<string, unknown>;
  };
}

const raw = yaml.load(readFileSync(at('build/electron-builder.yml'), 'utf8'));
const config = raw as BuilderConfig;

/** <key>name</key><true/> pairs of an entitlements plist. */
function entitlements(file: string): string[] {
  const xml = readFileSync(at(file), 'utf8').replace(/<!--[\s\S]*?-->/g, '');
  return [...xml.matchAll(/<key>([^<]+)<\/key>\s*<true\/>/g)].map((m) => m[1]!);
}

/** Production dependencies, transitively, as installed (a flat node_modules). */
function productionPackages(): string[] {
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name) || !existsSync(at('node_modules', name, 'package.json'))) return;
    seen.add(name);
    const pkg = JSON.parse(readFileSync(at('node_modules', name, 'package.json'), 'utf8'));
    for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) visit(dep);
  };
  const app = JSON.parse(readFileSync(at('package.json'), 'utf8'));
  for (const dep of Object.keys(app.dependencies)) visit(dep);
  return [...seen];
}

/** Files dlopen()ed or exec()ed from a package: addons (*.node) and node-pty's spawn-helper. */
function nativeFiles(pkg: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.node') || e.name === 'spawn-helper') {
        out.push(path.relative(ROOT, p));
      }
    }
  };
  walk(at('node_modules', pkg));
  // Another platform's prebuilt addons never load on a Mac.
  return out.filter((f) => !/prebuilds\/(win32|linux)-/.test(f) && !f.includes('/obj.target/'));
}

describe('build/electron-builder.yml', () => {
  it(
    "passes the installed electron-builder's own schema, as is and as dist:mac applies it",
    {
      timeout: 30_000,
    },
    async () => {
      const req = createRequire(require.resolve('electron-builder'));
      const { validateConfiguration } = req('app-builder-lib/out/util/config/config');
      const { DebugLogger } = req('builder-util');
      const valid = (c: unknown) => validateConfiguration(c, new DebugLogger(false));
      await expect(valid(raw)).resolves.toBeUndefined();
      // Without credentials (ad-hoc, no feed) and with all of them.
      await expect(valid(applyPlan(config, releasePlan({})))).resolves.toBeUndefined();
      const full = {
        CSC_LINK: '/id.p12',
        APPLE_KEYCHAIN_PROFILE: 'p',
        CLAVE_UPDATE_URL: 'https://x',
      };
      await expect(valid(applyPlan(config, releasePlan(full)))).resolves.toBeUndefined();
    },
  );

  it('builds an arm64 dmg and zip of a menu-bar app', () => {
    expect(config.mac.target).toEqual([
      { target: 'dmg', arch: 'arm64' },
      { target: 'zip', arch: 'arm64' },
    ]);
    expect(config.mac.extendInfo.LSUIElement).toBe(true);
  });

  it('explains Local Network access (macOS 15+, TN3179) and needs no Bonjour key for plain TCP', () => {
    const why = config.mac.extendInfo.NSLocalNetworkUsageDescription;
    expect(typeof why).toBe('string');
    expect(why).toMatch(/virtual machines/);
    expect(why).toContain('192.168.64.');
    expect(config.mac.extendInfo).not.toHaveProperty('NSBonjourServices');
  });

  it('signs with the hardened runtime and only the JIT exception, ready to notarise', () => {
    expect(config.mac.hardenedRuntime).toBe(true);
    expect(config.mac.notarize).toBe(true);
    for (const file of [config.mac.entitlements, config.mac.entitlementsInherit]) {
      expect(entitlements(file)).toEqual(['com.apple.security.cs.allow-jit']);
    }
  });

  it('unpacks every native file of the production dependencies from the asar', () => {
    const natives = productionPackages().flatMap(nativeFiles);
    // What is really native here: node-pty, better-sqlite3, ssh2's sshcrypto, cpu-features, and
    // @parcel/watcher's prebuilt addon (a package per platform: this machine's is installed).
    expect(new Set(natives.map((f) => f.split('/')[1]))).toEqual(
      new Set(['node-pty', 'better-sqlite3', 'ssh2', 'cpu-features', '@parcel']),
    );
    expect(natives).toContain('node_modules/node-pty/prebuilds/darwin-arm64/spawn-helper');
    for (const file of natives) {
      expect(
        config.asarUnpack.some((glob) => path.matchesGlob(file, glob)),
        file,
      ).toBe(true);
    }
  });

  it("rebuilds native modules for Electron's ABI when packaging, and on a Mac after install only", () => {
    expect(config.npmRebuild ?? true).toBe(true);
    // Here (Linux) postinstall leaves them built for the Node that runs the tests.
    const r = spawnSync(process.execPath, [at('scripts/postinstall.mjs')], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('stay built for Node');
    expect(readFileSync(at('scripts/postinstall.mjs'), 'utf8')).toContain(
      "['electron-builder', 'install-app-deps']",
    );
  });

  // Rendering the 1024 px icon in plain JavaScript takes seconds on a loaded machine.
  it(
    'draws the app icon and the tray templates from one source, committed as generated',
    { timeout: 60_000 },
    () => {
      const out = mkdtempSync(path.join(tmpdir(), 'clave-icons-'));
      try {
        const r = spawnSync(process.execPath, [at('build/icons/draw-icons.mjs'), '--out', out]);
        expect(r.status).toBe(0);
        const drawn = readdirSync(out).sort();
        expect(drawn).toEqual(['icon.png', 'trayTemplate.png', 'trayTemplate@2x.png']);
        for (const f of drawn) {
          expect(
            readFileSync(path.join(out, f)).equals(readFileSync(at('build/icons', f))),
            f,
          ).toBe(true);
        }
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
      // A 1024 px PNG (electron-builder converts it to .icns); the templates reach Resources/icons.
      const icon = readFileSync(at(config.mac.icon));
      expect([icon.readUInt32BE(16), icon.readUInt32BE(20)]).toEqual([1024, 1024]);
      expect(config.extraResources).toContainEqual({
        from: 'build/icons',
        to: 'icons',
        filter: ['trayTemplate*.png'],
      });
    },
  );

  it('publishes to a release feed given at build time', () => {
    expect(config.publish).toEqual([
      expect.objectContaining({ provider: 'generic', url: '${env.CLAVE_UPDATE_URL}' }),
    ]);
    const app = JSON.parse(readFileSync(at('package.json'), 'utf8'));
    expect(app.dependencies).toHaveProperty('electron-updater');
    expect(app.scripts['dist:mac']).toContain('scripts/dist-mac.ts');
    expect(statSync(at('scripts/dist-mac.ts')).isFile()).toBe(true);
  });
});

describe('release plan (what dist:mac does with the environment)', () => {
  const signed = { CSC_LINK: '/secure/id.p12', CSC_KEY_PASSWORD: 'x' };
  const appleId = { APPLE_ID: 'a@b.c', APPLE_APP_SPECIFIC_PASSWORD: 'p', APPLE_TEAM_ID: 'T' };

  it('without credentials: ad-hoc, no hardened runtime, no notarising, no feed, and says so', () => {
    const plan = releasePlan({});
    expect(plan).toMatchObject({ signing: 'ad-hoc', notarize: 'skipped', updateFeed: null });
    expect(plan.overrides).toEqual({
      mac: { identity: '-', hardenedRuntime: false, notarize: false },
      publish: null,
    });
    expect(plan.log.join('\n')).toMatch(/Signing: ad-hoc .*Set CSC_LINK/);
    expect(plan.log.join('\n')).toMatch(/Notarising: skipped .*APPLE_ID/);
    expect(plan.log.join('\n')).toMatch(/Update checks: off/);
  });

  it('with a Developer ID, Apple ID credentials and a feed: signs, notarises, publishes', () => {
    const plan = releasePlan({ ...signed, ...appleId, CLAVE_UPDATE_URL: 'https://x.test/clave' });
    expect(plan).toMatchObject({
      signing: 'developer-id',
      notarize: 'apple-id',
      updateFeed: 'https://x.test/clave',
    });
    expect(plan.overrides).toEqual({ mac: { notarize: true } });
    expect(plan.log.join('\n')).not.toContain('id.p12'); // where the key is stays out of logs
  });

  it('accepts an App Store Connect API key or a keychain profile instead', () => {
    const key = { APPLE_API_KEY: '/k.p8', APPLE_API_KEY_ID: 'K', APPLE_API_ISSUER: 'I' };
    expect(releasePlan({ ...signed, ...key }).notarize).toBe('api-key');
    expect(releasePlan({ ...signed, APPLE_KEYCHAIN_PROFILE: 'clave' }).notarize).toBe(
      'keychain-profile',
    );
  });

  it('refuses half-given credentials, notarising unsigned code and a feed that is not https', () => {
    expect(() => releasePlan({ ...signed, APPLE_ID: 'a@b.c' })).toThrow(
      'APPLE_ID set but APPLE_APP_SPECIFIC_PASSWORD, APPLE_TEAM_ID missing',
    );
    expect(() => releasePlan(appleId)).toThrow(/only Developer ID-signed apps/);
    expect(() => releasePlan({ CLAVE_UPDATE_URL: 'http://x.test' })).toThrow(/https/);
  });
});
