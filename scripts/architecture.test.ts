// The architecture rules in eslint.architecture.js, proven to fire: each case lints a snippet
// as if it lived at the given path, with the project's real ESLint config.
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
  ])('%s may not: %s', async (file, code) => {
    expect(await importErrors(file, code + '\nexport const _x = 1;\n')).toHaveLength(1);
  });

  it.each([
    ['electron/core/session/x.ts', "import path from 'node:path';"],
    ['electron/shell/x.ts', "import { app } from 'electron';"],
    ['renderer/src/x.ts', "import { Terminal } from '@xterm/xterm';"],
    ['renderer/src/x.ts', "import type { ClaveApi } from '../../shared/api';"],
    ['shared/x.ts', "import { z } from 'zod';"],
  ])('%s may: %s', async (file, code) => {
    expect(await importErrors(file, code + '\nexport const _x = 1;\n')).toEqual([]);
  });
});
