// The OCI side of Tart: remote names, the image cache under $TART_HOME/cache/OCIs, and `pull`.
// The simulator has no network: its "registry" serves the Cirrus Labs Linux images
// (ghcr.io/cirruslabs/ubuntu and …/debian, any tag), built locally on first pull.
import { createHash } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { findFault, loadFaults } from '../faults';
import { withLock } from '../util/lock';
import { safeRemove } from '../util/safe-rm';
import { OtherError, RuntimeError } from './errors';
import { buildImage } from './image';
import { VMDir, type TartHome } from './store';
import { listDir } from '../util/fsx';

export interface RemoteName {
  host: string;
  namespace: string;
  /** `:tag` or `@sha256:…` */
  tag?: string;
  digest?: string;
}

/** host[:port]/namespace[:tag|@digest]; a name without `/` is local. */
export function parseRemoteName(name: string): RemoteName {
  const m =
    /^([A-Za-z0-9.-]+(?::\d+)?)\/([a-z0-9._/-]+?)(?::([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})|@(sha256:[a-f0-9]{64}))?$/.exec(
      name,
    );
  if (!m || m[2]?.endsWith('/') || m[2]?.includes('//')) {
    throw new RuntimeError('Generic', `failed to parse remote name: ${name}`);
  }
  const r: RemoteName = { host: m[1] ?? '', namespace: m[2] ?? '' };
  if (m[4]) r.digest = m[4];
  else r.tag = m[3] ?? 'latest';
  return r;
}

export function formatRemote(r: RemoteName): string {
  return `${r.host}/${r.namespace}${r.digest ? '@' + r.digest : ':' + (r.tag ?? 'latest')}`;
}

export function isRemoteName(name: string): boolean {
  return name.includes('/');
}

const KNOWN_REPOS = new Set(['ghcr.io/cirruslabs/ubuntu', 'ghcr.io/cirruslabs/debian']);

/** The digest the simulated registry serves for a tag (stable across pulls). */
function registryDigest(r: RemoteName): string {
  return (
    'sha256:' +
    createHash('sha256').update(`tart-sim:${r.host}/${r.namespace}:${r.tag}`).digest('hex')
  );
}

function repoDir(home: TartHome, r: RemoteName): string {
  return join(home.ociDir, r.host, r.namespace);
}

/** The cached image directory for a reference, if present. */
export function cachedImage(home: TartHome, r: RemoteName): VMDir | undefined {
  const p = join(repoDir(home, r), r.digest ?? r.tag ?? 'latest');
  const d = new VMDir(p, formatRemote(r));
  return existsSync(p) && d.initialized ? d : undefined;
}

/** Every cached entry: tags (symlinks) and digests, as `tart list` shows them. */
export function listCached(home: TartHome): Array<{ name: string; dir: VMDir }> {
  const out: Array<{ name: string; dir: VMDir }> = [];
  const walk = (dir: string) => {
    for (const e of listDir(dir)) {
      const p = join(dir, e);
      const st = lstatSync(p);
      const rel = relative(home.ociDir, dir);
      const host = rel.split('/')[0] ?? '';
      const ns = rel.split('/').slice(1).join('/');
      if (st.isSymbolicLink()) {
        const d = new VMDir(p, `${host}/${ns}:${e}`);
        if (d.initialized) out.push({ name: d.name, dir: d });
      } else if (st.isDirectory() && e.startsWith('sha256:')) {
        const d = new VMDir(p, `${host}/${ns}@${e}`);
        if (d.initialized) out.push({ name: d.name, dir: d });
      } else if (st.isDirectory()) {
        walk(p);
      }
    }
  };
  walk(home.ociDir);
  return out;
}

function say(line: string): void {
  process.stdout.write(line + '\n');
}

/** Pull into the cache (prints the CI-style progress lines). Returns the image directory. */
export async function pull(home: TartHome, r: RemoteName): Promise<VMDir> {
  const ref = formatRemote(r);
  const faults = loadFaults();
  if (findFault(faults, 'pull-fail')) {
    throw new OtherError(
      `failed to pull manifest of ${ref}: The Internet connection appears to be offline.`,
    );
  }
  const repo = `${r.host}/${r.namespace}`;
  if (!KNOWN_REPOS.has(repo)) {
    throw new OtherError(
      `failed to pull manifest of ${ref}: unexpected HTTP status code 404 (manifest unknown)`,
    );
  }
  const digest = r.digest ?? registryDigest(r);
  const dir = repoDir(home, r);
  mkdirSync(dir, { recursive: true });
  return withLock(join(dir, '.sim-lock'), async () => {
    const digestDir = join(dir, digest);
    const existing = new VMDir(digestDir, `${repo}@${digest}`);
    if (existing.initialized) {
      say(`${repo}@${digest} image is already cached and linked!`);
    } else {
      say('pulling manifest...');
      const tmp = join(home.tmpDir, `pull-${process.pid}-${Date.now()}`);
      rmSync(tmp, { recursive: true, force: true });
      buildImage(tmp);
      writeFileSync(
        join(tmp, 'manifest.json'),
        JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest },
          layers: [],
        }),
      );
      say('pulling disk (2.1 GB compressed)...');
      for (const pct of [0, 25, 50, 75, 100]) say(`${pct}%`);
      say('pulling NVRAM...');
      if (existsSync(digestDir)) safeRemove(digestDir);
      renameSync(tmp, digestDir);
    }
    if (r.tag) {
      const link = join(dir, r.tag);
      try {
        if (lstatSync(link).isSymbolicLink() && readlinkSync(link) === digest)
          return new VMDir(link, ref);
        rmSync(link, { force: true, recursive: true });
      } catch {
        // no link yet
      }
      symlinkSync(digest, link);
      return new VMDir(link, ref);
    }
    return new VMDir(digestDir, ref);
  });
}

/** `tart delete <oci-ref>`: remove that cache entry. */
export function deleteCached(home: TartHome, r: RemoteName): void {
  const p = join(repoDir(home, r), r.digest ?? r.tag ?? 'latest');
  if (!existsSync(p) && !lstatSafe(p)) throw RuntimeError.doesNotExist(formatRemote(r));
  if (lstatSafe(p)?.isSymbolicLink()) rmSync(p);
  else safeRemove(p);
  // Drop empty parents up to the cache root.
  let d = dirname(p);
  while (d.startsWith(home.ociDir) && d !== home.ociDir) {
    try {
      if (readdirSync(d).filter((e) => e !== '.sim-lock').length > 0) break;
      rmSync(d, { recursive: true, force: true });
    } catch {
      break;
    }
    d = dirname(d);
  }
}

function lstatSafe(p: string) {
  try {
    return lstatSync(p);
  } catch {
    return undefined;
  }
}
