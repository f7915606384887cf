// Lint rules, including the layering rules of DESIGN.md, which are errors so `npm test` fails on a breach.
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'out/', 'release/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', importNames: ['ipcRenderer'], message: 'ipcRenderer belongs in preload/ only.' }],
        },
      ],
    },
  },
  {
    files: ['main/core/**', 'main/cli/**'],
    ignores: ['main/core/contracts/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', message: 'main/core and main/cli run without Electron: never import it here.' }] },
      ],
    },
  },
  {
    files: ['main/core/contracts/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'contracts are shared with preload and renderer: no Electron here.' },
            ...nodeBuiltins.map((name) => ({ name, message: 'contracts are shared with the renderer: no Node built-ins.' })),
          ],
          patterns: [{ group: ['../*', '../**'], message: 'contracts import nothing from the rest of core.' }],
        },
      ],
    },
  },
  {
    files: ['renderer/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'the renderer talks to main through window.jett only.' },
            ...nodeBuiltins.map((name) => ({ name, message: 'the renderer is sandboxed: no Node built-ins.' })),
          ],
        },
      ],
    },
  },
  {
    files: ['preload/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
