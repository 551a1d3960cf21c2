// @ts-check
// The architecture, as lint rules: renderer → shared ← electron/shell → electron/core.
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules.filter((m) => !m.startsWith('_')), 'node:*'];
const forbidNode = {
  group: nodeBuiltins.flatMap((m) => (m.endsWith('*') ? [m] : [m, `${m}/*`])),
  message: 'Node built-ins are not available here; ask the main process through the shared API.',
};
const forbidElectronPackage = {
  name: 'electron',
  message: 'Only electron/shell, main.ts and preload.ts may import electron.',
};
const forbidElectronFolder = {
  regex: '(^|/)electron/',
  message: 'This side may not import Electron-side code; share types through shared/.',
};
const forbidRendererFolder = {
  regex: '(^|/)renderer/',
  message: 'shared/ imports neither side.',
};

/** @type {import('typescript-eslint').ConfigArray} */
export const architectureRules = [
  {
    files: ['electron/core/**', 'cli/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [forbidElectronPackage],
          patterns: [
            forbidRendererFolder,
            { regex: '(^|/)shell/', message: 'The core never depends on the Electron shell.' },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [forbidElectronPackage], patterns: [forbidNode, forbidElectronFolder] },
      ],
    },
  },
  {
    files: ['shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [forbidElectronPackage],
          patterns: [forbidNode, forbidElectronFolder, forbidRendererFolder],
        },
      ],
    },
  },
];
