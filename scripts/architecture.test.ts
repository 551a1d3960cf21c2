// The architecture rules in eslint.architecture.js, proven to fire: each case lints a snippet
// as if it lived at the given path, with the project's real ESLint config.
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint();

async function importErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports')
    .map((m) => m.message);
}

describe('architecture import rules', () => {
  it.each([
    ['electron/core/session/x.ts', "import { app } from 'electron';"],
    ['electron/core/host/x.ts', "import { x } from '../../shell/window';"],
    ['renderer/src/x.ts', "import fs from 'node:fs';"],
    ['renderer/src/x.ts', "import { readFile } from 'fs/promises';"],
    ['renderer/src/x.ts', "import { createDispatcher } from '../../electron/core/api/dispatch';"],
    ['renderer/src/x.ts', "import { ipcRenderer } from 'electron';"],
    ['shared/x.ts', "import path from 'path';"],
    ['shared/x.ts', "import { App } from '../renderer/src/App';"],
    ['shared/x.ts', "import { newSessionId } from '../electron/core/session/naming';"],
    // host/ sits below every other layer of the core.
    ['electron/core/host/x.ts', "import { StepAbort } from '../session/problem';"],
    ['electron/core/host/git/x.ts', "import type { Step } from '../../session/pipeline';"],
    ['electron/core/host/x.ts', "import { runProvision } from '../provision/flow';"],
    ['electron/core/host/x.ts', "import { createDispatcher } from '../api/dispatch';"],
    ['electron/core/host/x.ts', "import { runDoctor } from '../doctor';"],
    ['electron/core/host/x.ts', "import type { VmRuntime } from '../vm/runtime';"],
    ['electron/core/host/x.ts', "import { dataPaths } from '../config/paths';"],
    [
      'electron/core/host/tart/x.ts',
      "import type { SessionsRepository } from '../../store/sessions-repository';",
    ],
    ['electron/core/host/ssh/x.ts', "export { createHostRuntime } from '../../compose';"],
    // api/ and session/ meet only at their public faces.
    ['electron/core/api/x.ts', "import { toProblem } from '../session/problem';"],
    ['electron/core/api/x.ts', "import { runPipeline } from '../session/pipeline';"],
    ['electron/core/session/x.ts', "import { listenOnSocket } from '../api/socket-server';"],
    ['electron/core/session/steps/x.ts', "import { handlers } from '../../api/handlers';"],
    // The CLI is a face of the API.
    ['cli/x.ts', "import { createHostRuntime } from '../electron/core/compose';"],
    ['cli/x.ts', "import { loadSettings } from '../electron/core/config/settings';"],
    ['cli/x.ts', "import { listenOnSocket } from '../electron/core/api/socket-server';"],
    ['cli/x.ts', "import { Git } from '../electron/core/host/git';"],
    ['cli/x.ts', "import { ClaudeAuth } from '../electron/core/host/claude-auth';"],
    ['cli/serve.ts', "import { Git } from '../electron/core/host/git';"],
    ['cli/auth-setup.ts', "import { createHostRuntime } from '../electron/core/compose';"],
    // Product code never imports e2e/.
    ['electron/core/session/x.ts', "import { leftovers } from '../../../e2e/sim/leaks';"],
    ['electron/shell/x.ts', "import { leftovers } from '../../e2e/sim/leaks';"],
    ['electron/main.ts', "import { leftovers } from '../e2e/sim/leaks';"],
    ['cli/x.ts', "import { leftovers } from '../e2e/sim/leaks';"],
    ['shared/x.ts', "import { leftovers } from '../e2e/sim/leaks';"],
    ['renderer/src/x.ts', "import { leftovers } from '../../e2e/sim/leaks';"],
  ])('%s may not: %s', async (file, code) => {
    expect(await importErrors(file, code + '\nexport const _x = 1;\n')).toHaveLength(1);
  });

  it.each([
    ['electron/core/session/x.ts', "import path from 'node:path';"],
    ['electron/shell/x.ts', "import { app } from 'electron';"],
    ['renderer/src/x.ts', "import { Terminal } from '@xterm/xterm';"],
    ['renderer/src/x.ts', "import type { ClaveApi } from '../../shared/api';"],
    ['shared/x.ts', "import { z } from 'zod';"],
    ['electron/core/host/x.ts', "import { quote } from './shell-quote';"],
    ['electron/core/host/git/x.ts', "import { tail } from '../errors';"],
    ['electron/core/host/x.ts', "import type { Problem } from '../../../shared/session';"],
    ['electron/core/host/x.test.ts', "import { StepAbort } from '../session/problem';"],
    ['electron/core/api/x.ts', "import type { SessionHost } from '../session/session-host';"],
    ['electron/core/api/x.ts', "import { toProblem } from '../problem';"],
    ['electron/core/session/x.ts', "import type { Client } from '../api/dispatch';"],
    [
      'electron/core/session/testing/x.ts',
      "import { connectSocket } from '../../api/socket-client';",
    ],
    ['electron/core/session/x.test.ts', "import { leftovers } from '../../../e2e/sim/leaks';"],
    ['cli/x.ts', "import { connectSocket } from '../electron/core/api/socket-client';"],
    ['cli/x.ts', "import { socketIsLive } from '../electron/core/api/socket-client';"],
    ['cli/x.ts', "import type { DataPaths } from '../electron/core/config/paths';"],
    ['cli/x.ts', "import { SessionIdSchema } from '../shared/api';"],
    ['cli/x.test.ts', "import { leftovers } from '../e2e/sim/leaks';"],
    ['cli/serve.ts', "import { createHostRuntime } from '../electron/core/compose';"],
    ['cli/serve.ts', "import { listenOnSocket } from '../electron/core/api/socket-server';"],
    ['cli/auth-setup.ts', "import { ClaudeAuth } from '../electron/core/host/claude-auth';"],
  ])('%s may: %s', async (file, code) => {
    expect(await importErrors(file, code + '\nexport const _x = 1;\n')).toEqual([]);
  });

  // The rules bind the tree as it is: every product and test file of every layer passes them.
  it('holds on the real tree', { timeout: 120_000 }, async () => {
    const results = await eslint.lintFiles(['electron', 'cli', 'shared', 'renderer']);
    const linted = results.map((r) => path.relative(process.cwd(), r.filePath));
    for (const layer of [
      'electron/core/host/',
      'electron/core/api/',
      'electron/core/session/',
      'cli/',
    ]) {
      expect(linted.some((f) => f.startsWith(layer))).toBe(true);
    }
    const broken = results.flatMap((r) =>
      r.messages
        .filter((m) => m.ruleId === 'no-restricted-imports')
        .map((m) => `${path.relative(process.cwd(), r.filePath)}: ${m.message}`),
    );
    expect(broken).toEqual([]);
  });
});
