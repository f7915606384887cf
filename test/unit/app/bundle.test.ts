// The built main process (esbuild's one-file bundle, as `npm start` and the installer run it) starts against the
// mocked electron module: every dependency bundled in resolves, the shell comes up, and quitting stops it.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { INVOKE_CHANNELS } from '../../../main/core/contracts/ipc.js';
import * as electron from '../../mocks/electron.js';
import { tempDir } from '../../helpers/tmp.js';

const home = tempDir('jett-bundle-home-');
const saved = process.env.JETT_HOME;

// Inside the repository (dist/ is ignored), so the bundle's external imports resolve from node_modules as they do
// from dist/app/main.js.
const out = path.resolve('dist', `bundle-test-${process.pid}`);

beforeAll(async () => {
  const { buildMain, buildPreload } = (await import(pathToFileURL(path.resolve('build/build-app.mjs')).href)) as {
    buildMain(outdir: string, nativeDir?: string): Promise<void>;
    buildPreload(outdir: string): Promise<void>;
  };
  await buildMain(out, '');
  await buildPreload(out);
  electron.app.removeAllListeners();
  electron.ipcMain.handlers.clear();
  electron.Tray.instances.length = 0;
  electron.globalShortcut.handlers.clear();
  process.env.JETT_HOME = home;
  await import(pathToFileURL(path.join(out, 'app', 'main.js')).href);
  await vi.waitFor(() => expect(electron.Tray.instances).toHaveLength(1), { timeout: 20_000 });
}, 120_000);

afterAll(() => {
  fs.rmSync(out, { recursive: true, force: true });
  if (saved === undefined) delete process.env.JETT_HOME;
  else process.env.JETT_HOME = saved;
});

describe('the built main bundle', () => {
  it('starts the shell: userData in JETT_HOME, tray, hotkey, every IPC channel', () => {
    expect(electron.app.paths.get('userData')).toBe(home);
    expect(electron.globalShortcut.handlers.has('Ctrl+Alt+J')).toBe(true);
    expect([...electron.ipcMain.handlers.keys()].sort()).toEqual(Object.keys(INVOKE_CHANNELS).sort());
    expect(electron.protocol.registerSchemesAsPrivileged).toHaveBeenCalled();
  });

  it('stops on quit', async () => {
    electron.app.quit.mockClear();
    electron.app.emit('before-quit', { preventDefault: () => {} });
    await vi.waitFor(() => expect(electron.app.quit).toHaveBeenCalled(), { timeout: 20_000 });
    expect(electron.Tray.instances[0]!.destroyed).toBe(true);
    expect(electron.ipcMain.handlers.size).toBe(0);
  });
});
