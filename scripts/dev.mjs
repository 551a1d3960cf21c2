// `npm run dev`: Vite dev server with hot reload for the renderer, esbuild watch for main/preload,
// and Electron pointed at the dev server. Restart Electron yourself after main-process changes.
import { spawn } from 'node:child_process';
import { createServer } from 'vite';

const server = await createServer({ configFile: 'vite.config.ts' });
await server.listen();
const url = server.resolvedUrls?.local[0] ?? 'http://127.0.0.1:5173/';
server.printUrls();

const children = [
  spawn(process.execPath, ['scripts/build-main.mjs', '--watch'], { stdio: 'inherit' }),
  spawn('npx', ['electron', '.'], {
    stdio: 'inherit',
    env: { ...process.env, VITE_DEV_SERVER_URL: url },
  }),
];
const stop = async () => {
  for (const c of children) c.kill('SIGTERM');
  await server.close();
  process.exit(0);
};
children[1].on('exit', stop);
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
