// The layering rules of DESIGN.md are lint errors: each forbidden import fails, each allowed one passes. The
// TypeScript projects draw the same layers: each layer's tsconfig gives it only its own types and the layers it may use.
import path from 'node:path';
import { ESLint } from 'eslint';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function errorsFor(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.severity === 2).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('layering lint rules', () => {
  it.each([
    // Core never imports the app, the CLI or the harness, however the path is written or loaded.
    ['main/core/voice/pipeline.ts', "import { startShell } from '../../app/shell.js';\nexport const s = startShell;\n", 'layers/imports'],
    ['main/core/agent.ts', "import { startShell } from '../app/shell.js';\nexport const s = startShell;\n", 'layers/imports'],
    ['main/core/sync/x.ts', "import { startShell } from '../../../main/app/shell.js';\nexport const s = startShell;\n", 'layers/imports'],
    ['main/core/sync/x.ts', "import { startShell } from '../voice/../../app/shell.js';\nexport const s = startShell;\n", 'layers/imports'],
    ['main/core/sync/x.ts', "import type { Shell } from '../../app/shell.js';\nexport type S = Shell;\n", 'layers/imports'],
    ['main/core/sync/x.ts', "export * from '../../app/shell.js';\n", 'layers/imports'],
    ['main/core/sync/x.ts', "export { startShell } from '../../app/shell.js';\n", 'layers/imports'],
    ['main/core/sync/x.ts', "export const s = await import('../../app/shell.js');\n", 'layers/imports'],
    ['main/core/tunnel/x.ts', "import { program } from '../../cli/program.js';\nexport const p = program;\n", 'layers/imports'],
    ['main/core/tunnel/x.ts', "export const k = await import('../../cli/commands/keys.js');\n", 'layers/imports'],
    ['main/core/agent.ts', "import { makeNetns } from '../harness/netns/namespace.js';\nexport const n = makeNetns;\n", 'layers/imports'],
    ['main/core/db/x.ts', "export const c = await import(`../../harness/db/pg-cluster.js`);\n", 'layers/imports'],
    // Electron stays in the app and preload: statically, dynamically, or through require.
    ['main/core/tunnel/anything.ts', "import { app } from 'electron';\nexport const a = app;\n", 'layers/imports'],
    ['main/core/agent.ts', "import 'electron';\n", 'layers/imports'],
    ['main/core/agent.ts', "export const e = await import('electron');\n", 'layers/imports'],
    ['main/core/agent.ts', 'export const e = await import(`electron`);\n', 'layers/imports'],
    ['main/core/agent.ts', "export type App = import('electron').App;\n", 'layers/imports'],
    ['main/core/agent.ts', "import { createRequire } from 'node:module';\nexport const e = createRequire(import.meta.url)('electron');\n", 'layers/imports'],
    ['main/core/agent.ts', "import { createRequire } from 'node:module';\nconst req = createRequire(import.meta.url);\nexport const e = req('electron');\n", 'layers/imports'],
    ['main/core/agent.ts', "import { createRequire as cr } from 'node:module';\nexport const e = cr(import.meta.url)('electron');\n", 'layers/imports'],
    ['main/core/agent.ts', "import mod from 'node:module';\nexport const e = mod.createRequire(import.meta.url)('electron');\n", 'layers/imports'],
    ['main/core/agent.ts', "declare const require: (id: string) => unknown;\nexport const e = require('electron');\n", 'layers/imports'],
    ['main/core/agent.ts', "declare const module: { require(id: string): unknown };\nexport const e = module.require('electron');\n", 'layers/imports'],
    ['main/core/agent.ts', "import electron = require('electron');\nexport const e = electron;\n", 'layers/imports'],
    ['main/cli/commands/x.ts', "import { shell } from 'electron';\nexport const s = shell;\n", 'layers/imports'],
    ['main/cli/commands/x.ts', "export const e = await import('electron');\n", 'layers/imports'],
    ['renderer/src/main.ts', "export const e = await import('electron');\n", 'layers/imports'],
    // The renderer: the contracts and zod only.
    ['renderer/src/main.ts', "import { OutboxStore } from '../../main/core/outbox/store.js';\nexport const o = OutboxStore;\n", 'layers/imports'],
    ['renderer/src/screens/status.ts', "import { OutboxStore } from '../../../main/core/outbox/store.js';\nexport const o = OutboxStore;\n", 'layers/imports'],
    ['renderer/src/main.ts', "import { api } from '../../preload/index.js';\nexport const a = api;\n", 'layers/imports'],
    ['renderer/src/main.ts', "import { startShell } from '../../main/app/shell.js';\nexport const s = startShell;\n", 'layers/imports'],
    ['renderer/src/main.ts', "import pg from 'pg';\nexport const p = pg;\n", 'layers/imports'],
    ['renderer/src/main.ts', "export const p = await import('pg');\n", 'layers/imports'],
    ['renderer/src/main.ts', "import fs from 'node:fs';\nexport const f = fs;\n", 'layers/imports'],
    ['renderer/src/main.ts', "import path from 'path';\nexport const p = path;\n", 'layers/imports'],
    ['renderer/src/main.ts', "import { Client } from '../../node_modules/pg/lib/index.js';\nexport const c = Client;\n", 'layers/imports'],
    ['renderer/src/main.ts', '/// <reference types="node" />\nexport const a = 1;\n', '@typescript-eslint/triple-slash-reference'],
    // Preload: electron and the contracts only.
    ['preload/index.ts', "import fs from 'node:fs';\nexport const f = fs;\n", 'layers/imports'],
    ['preload/index.ts', "import { Agent } from '../main/core/agent.js';\nexport const a = Agent;\n", 'layers/imports'],
    ['preload/index.ts', "import { z } from 'zod';\nexport const s = z;\n", 'layers/imports'],
    // Contracts: zod only.
    ['main/core/contracts/x.ts', "import os from 'node:os';\nexport const o = os;\n", 'layers/imports'],
    ['main/core/contracts/x.ts', "import pg from 'pg';\nexport const p = pg;\n", 'layers/imports'],
    ['main/core/contracts/x.ts', "import { app } from 'electron';\nexport const a = app;\n", 'layers/imports'],
    ['main/core/contracts/x.ts', "import { Agent } from '../agent.js';\nexport const a = Agent;\n", 'layers/imports'],
    ['main/core/contracts/x.ts', '/// <reference types="node" />\nexport const a = 1;\n', '@typescript-eslint/triple-slash-reference'],
    // The app never imports the CLI (shared logic goes to core) nor the harness.
    ['main/app/tunnel-settings.ts', "import { keysCommand } from '../cli/commands/keys.js';\nexport const k = keysCommand;\n", 'layers/imports'],
    ['main/app/ipc/x.ts', "export const p = await import('../../cli/program.js');\n", 'layers/imports'],
    ['main/app/x.ts', "import { runDemo } from '../harness/demo/run.js';\nexport const d = runDemo;\n", 'layers/imports'],
    ['main/app/tray.ts', "import { ipcRenderer } from 'electron';\nexport const i = ipcRenderer;\n", 'no-restricted-imports'],
    ['main/core/x.ts', 'export const a: any = 1;\n', '@typescript-eslint/no-explicit-any'],
  ])('rejects %s: %s', async (file, code, rule) => {
    expect(await errorsFor(file, code)).toContainEqual(expect.stringMatching(new RegExp(`^${rule}: `)));
  });

  it('says which layer may not import which, and what it may use', async () => {
    expect(await errorsFor('main/core/voice/x.ts', "import { a } from '../../app/shell.js';\nexport const b = a;\n")).toEqual([
      expect.stringMatching(/^layers\/imports: main\/core may not import main\/app \('\.\.\/\.\.\/app\/shell\.js'\): it may use core, contracts only\./),
    ]);
    expect(await errorsFor('renderer/src/main.ts', "import pg from 'pg';\nexport const p = pg;\n")).toEqual([
      expect.stringMatching(/^layers\/imports: renderer may not import the package 'pg': its only packages are zod\./),
    ]);
  });

  it.each([
    ['main/app/tray.ts', "import { Tray } from 'electron';\nexport const t = Tray;\n"],
    ['main/app/x.ts', "export const e = await import('electron');\n"],
    ['main/app/x.ts', "import { Agent } from '../core/agent.js';\nimport { ConfigSchema } from '../core/contracts/config.js';\nexport const a = [Agent, ConfigSchema];\n"],
    ['preload/index.ts', "import { contextBridge, ipcRenderer } from 'electron';\nexport const c = [contextBridge, ipcRenderer];\n"],
    ['preload/index.ts', "import type { JettApi } from '../main/core/contracts/ipc.js';\nexport type A = JettApi;\n"],
    ['main/core/tunnel/x.ts', "import fs from 'node:fs';\nexport const f = fs;\n"],
    ['main/core/tunnel/x.ts', "import { Agent } from '../agent.js';\nimport { ConfigSchema } from '../contracts/config.js';\nexport const a = [Agent, ConfigSchema];\n"],
    ['main/core/version.ts', "import pkg from '../../package.json' with { type: 'json' };\nexport const v = pkg.version;\n"],
    ['main/core/voice/x.ts', "import { createRequire } from 'node:module';\nexport const o = createRequire(import.meta.url)('onnxruntime-node');\n"],
    ['main/core/demo/x.ts', "import path from 'node:path';\nexport const bin = path.resolve(import.meta.dirname, '../../../bin/jett.mjs');\n"],
    ['main/core/contracts/x.ts', "import { z } from 'zod';\nimport { ConfigSchema } from './config.js';\nexport const s = [z, ConfigSchema];\n"],
    ['main/cli/commands/x.ts', "import { Agent } from '../../core/agent.js';\nexport const a = Agent;\n"],
    ['main/cli/commands/x.ts', "import { runDemo } from '../../harness/demo/run.js';\nexport const d = runDemo;\n"],
    ['main/harness/demo/x.ts', "import { Agent } from '../../core/agent.js';\nexport const a = Agent;\n"],
    ['renderer/src/main.ts', "import { ConfigSchema } from '../../main/core/contracts/config.js';\nexport const s = ConfigSchema;\n"],
    ['renderer/src/screens/x.ts', "import { z } from 'zod';\nimport { el } from '../dom.js';\nimport '../styles.css';\nexport const a = [z, el];\n"],
    ['test/unit/x.test.ts', "import pg from 'pg';\nimport { startShell } from '../../main/app/shell.js';\nexport const a = [pg, startShell];\n"],
  ])('allows %s: %s', async (file, code) => {
    expect(await errorsFor(file, code)).toEqual([]);
  });
});

/** A layer's project as TypeScript reads it (extends resolved): its libs, its types, the projects it references. */
function project(dir: string): { lib: string[]; types: string[] | undefined; references: string[] } {
  const parsed = ts.getParsedCommandLineOfConfigFile(path.resolve(dir, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  if (!parsed || parsed.errors.length > 0) throw new Error(`${dir}/tsconfig.json does not parse`);
  return {
    lib: (parsed.options.lib ?? []).map((l) => l.replace(/^lib\.|\.d\.ts$/g, '')),
    types: parsed.options.types,
    references: (parsed.projectReferences ?? []).map((r) => path.relative(process.cwd(), r.path).split(path.sep).join('/')).sort(),
  };
}

describe('one TypeScript project per layer', () => {
  it.each([
    ['main/core/contracts', { dom: false, node: false, references: [] }],
    ['main/core', { dom: false, node: true, references: ['main/core/contracts'] }],
    ['main/app', { dom: false, node: true, references: ['main/core', 'main/core/contracts'] }],
    ['main/harness', { dom: false, node: true, references: ['main/core', 'main/core/contracts'] }],
    ['main/cli', { dom: false, node: true, references: ['main/core', 'main/core/contracts', 'main/harness'] }],
    ['preload', { dom: false, node: false, references: ['main/core/contracts'] }],
    ['renderer', { dom: true, node: false, references: ['main/core/contracts'] }],
  ])('%s: DOM %s, Node types and references as the layer table says', (dir, want) => {
    const p = project(dir);
    expect({ dom: p.lib.some((l) => l.startsWith('dom')), node: p.types === undefined || p.types.includes('node'), references: p.references }).toEqual(want);
  });
});
