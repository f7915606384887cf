// The layering rules of DESIGN.md are lint errors: each forbidden import fails, each allowed one passes.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function errorsFor(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.severity === 2).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('layering lint rules', () => {
  it.each([
    ['main/core/tunnel/anything.ts', "import { app } from 'electron';\nexport const a = app;\n"],
    ['main/core/agent.ts', "import 'electron';\n"],
    ['main/cli/commands/x.ts', "import { shell } from 'electron';\nexport const s = shell;\n"],
    ['renderer/src/main.ts', "import fs from 'node:fs';\nexport const f = fs;\n"],
    ['renderer/src/main.ts', "import path from 'path';\nexport const p = path;\n"],
    ['main/core/contracts/x.ts', "import os from 'node:os';\nexport const o = os;\n"],
    ['main/core/contracts/x.ts', "import { Agent } from '../agent.js';\nexport const a = Agent;\n"],
    ['main/app/tray.ts', "import { ipcRenderer } from 'electron';\nexport const i = ipcRenderer;\n"],
    ['main/core/x.ts', 'export const a: any = 1;\n'],
  ])('rejects %s: %s', async (file, code) => {
    expect(await errorsFor(file, code)).not.toEqual([]);
  });

  it.each([
    ['main/app/tray.ts', "import { Tray } from 'electron';\nexport const t = Tray;\n"],
    ['preload/index.ts', "import { contextBridge, ipcRenderer } from 'electron';\nexport const c = [contextBridge, ipcRenderer];\n"],
    ['main/core/tunnel/x.ts', "import fs from 'node:fs';\nexport const f = fs;\n"],
    ['main/core/contracts/x.ts', "import { z } from 'zod';\nimport { ConfigSchema } from './config.js';\nexport const s = [z, ConfigSchema];\n"],
    ['renderer/src/main.ts', "import { ConfigSchema } from '../../main/core/contracts/config.js';\nexport const s = ConfigSchema;\n"],
  ])('allows %s: %s', async (file, code) => {
    expect(await errorsFor(file, code)).toEqual([]);
  });
});
