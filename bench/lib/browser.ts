// The browser side of the bench: Debian's Chromium (as the e2e tests drive it), the app's renderer
// built from this checkout, and the bare-xterm page (bench/page) served with the files it feeds.
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { chromiumArgs, chromiumExecutable } from '../../e2e/chromium';
import { REPO_DIR } from './repo';

export type Compositing = 'gpu' | 'software';

/**
 * How the bench's Chromium puts frames together (`BENCH_COMPOSITING`). `gpu` (default): in its GPU
 * process, with SwiftShader standing in for a GPU, as Electron composites on a Mac's GPU.
 * `software`: the tests' `--disable-gpu`, where every frame of a WebGL canvas is read back to the
 * CPU before it is shown (GLES2::ReadPixels in a Chrome trace: ~58 ms a frame on a 2-core CI
 * machine, 8 s of a 10 s flood) — a cost no Mac pays, and one that grows with how often a page
 * draws rather than with what it does.
 */
export function compositing(): Compositing {
  return process.env.BENCH_COMPOSITING === 'software' ? 'software' : 'gpu';
}

const GPU_COMPOSITING = [
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--ignore-gpu-blocklist',
];

/** `BENCH_RENDERER=dom` turns WebGL off in the browser, so the app (and the bare page) draw with
 * xterm's DOM renderer; by default each uses WebGL when the browser offers it, as the app does. */
export function launchBrowser(): Promise<Browser> {
  const dom = process.env.BENCH_RENDERER === 'dom';
  const args =
    compositing() === 'gpu'
      ? [...chromiumArgs.filter((a) => a !== '--disable-gpu'), ...GPU_COMPOSITING]
      : chromiumArgs;
  return chromium.launch({
    executablePath: chromiumExecutable(),
    args: [...args, ...(dom ? ['--disable-webgl'] : [])],
  });
}

export function chromiumVersion(): string {
  try {
    // Debian's launcher script prints shell noise on stderr: only the version line matters.
    return execFileSync(chromiumExecutable(), ['--version'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return 'unknown';
  }
}

/** The app's renderer as the harness serves it (dist/renderer), built from this checkout. */
export function buildRenderer(): void {
  execFileSync(
    process.execPath,
    [path.join(REPO_DIR, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'error'],
    {
      cwd: REPO_DIR,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
}

export interface PageServer {
  /** The bare-xterm page. */
  url: string;
  /** Serves `file` at the returned URL (same origin as the page). */
  serve(name: string, file: string): string;
  close(): Promise<void>;
}

export async function serveXtermPage(): Promise<PageServer> {
  const out = mkdtempSync(path.join(os.tmpdir(), 'clave-bench-page-'));
  // Also when the bench is cut short (Ctrl-C, a figure over its budget).
  const removeOut = () => rmSync(out, { recursive: true, force: true });
  process.once('exit', removeOut);
  await build({
    entryPoints: {
      'xterm-page': path.join(REPO_DIR, 'bench/page/xterm-page.ts'),
      xterm: path.join(REPO_DIR, 'node_modules/@xterm/xterm/css/xterm.css'),
    },
    bundle: true,
    format: 'iife',
    outdir: out,
    logLevel: 'error',
  });
  const files = new Map<string, string>([
    ['/', path.join(REPO_DIR, 'bench/page/index.html')],
    ['/xterm-page.js', path.join(out, 'xterm-page.js')],
    ['/xterm.css', path.join(out, 'xterm.css')],
  ]);
  const server = http.createServer((req, res) => {
    const file = files.get(new URL(req.url ?? '/', 'http://x').pathname);
    if (!file || !existsSync(file)) return void res.writeHead(404).end();
    const type = file.endsWith('.html')
      ? 'text/html'
      : file.endsWith('.css')
        ? 'text/css'
        : file.endsWith('.js')
          ? 'text/javascript'
          : 'text/plain';
    res.writeHead(200, {
      'Content-Type': `${type}; charset=utf-8`,
      'Content-Length': statSync(file).size,
    });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${origin}/`,
    serve(name, file) {
      files.set(`/${name}`, file);
      return `${origin}/${name}`;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      removeOut();
      process.off('exit', removeOut);
    },
  };
}
