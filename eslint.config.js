// Lint rules, including the layering rules of DESIGN.md, which are errors so `npm test` fails on a breach.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import tseslint from 'typescript-eslint';
import { layersPlugin } from './build/eslint-layers.mjs';

/**
 * Who may import whom. A layer may import itself, the layers listed, the files listed (relative to the root) and the
 * packages listed (Node built-ins count as packages); imports are resolved to files, so `../../app/x.js` is main/app whatever the depth. Dynamic `import()`,
 * `require` and `createRequire(url)(...)` are held to the same table. Files outside every layer (test/, build/,
 * scripts/) are free. The TypeScript projects (tsconfig.json per layer) reference the same layers.
 */
const layers = [
  { name: 'contracts', dir: 'main/core/contracts', layers: [], packages: ['zod'], why: 'Contracts are shared with preload and the renderer: zod schemas and types only.' },
  { name: 'core', dir: 'main/core', layers: ['contracts'], files: ['package.json'], packages: { except: ['electron'] }, why: 'Core runs under both the CLI and the app, without Electron and without either front end.' },
  { name: 'harness', dir: 'main/harness', layers: ['core', 'contracts'], packages: { except: ['electron'] }, why: 'The harness builds test worlds and the demo on top of core.' },
  { name: 'app', dir: 'main/app', layers: ['core', 'contracts'], packages: { except: [] }, why: 'The app shares logic with the CLI through core, never the CLI itself, and ships no test harness.' },
  { name: 'cli', dir: 'main/cli', layers: ['core', 'contracts', 'harness'], packages: { except: ['electron'] }, why: 'The CLI runs in plain Node, without Electron or the app.' },
  { name: 'preload', dir: 'preload', layers: ['contracts'], packages: ['electron'], why: 'The sandboxed preload only bridges IPC: electron and the contracts.' },
  { name: 'renderer', dir: 'renderer', layers: ['contracts'], packages: ['zod'], why: 'The renderer is a sandboxed web page that talks to main through window.jett only.' },
];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'out/', 'release/', 'tools/'] },
  ...tseslint.configs.recommended,
  {
    plugins: { layers: layersPlugin(path.dirname(fileURLToPath(import.meta.url)), layers) },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // A `/// <reference types="node" />` would give the renderer or the contracts the Node types their projects leave out.
      '@typescript-eslint/triple-slash-reference': ['error', { lib: 'never', path: 'never', types: 'never' }],
      'layers/imports': 'error',
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', importNames: ['ipcRenderer'], message: 'ipcRenderer belongs in preload/ only.' }],
        },
      ],
    },
  },
  {
    files: ['preload/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
