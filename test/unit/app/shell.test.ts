// The Electron shell's start-up, against the mocked electron module: one instance, one folder, the agent running.
import { beforeEach, describe, expect, it } from 'vitest';
import { app } from 'electron';
import { startShell } from '../../../main/app/shell.js';
import { tempDir } from '../../helpers/tmp.js';

type MockApp = typeof app & { singleInstance: boolean; paths: Map<string, string>; removeAllListeners(): void };
const mock = app as MockApp;

beforeEach(() => {
  mock.singleInstance = true;
  mock.paths.clear();
  mock.removeAllListeners();
});

describe('startShell', () => {
  it('puts Electron userData in JETT_HOME and starts the agent', async () => {
    const home = tempDir();
    const shell = await startShell({ app: mock, env: { JETT_HOME: home } });
    expect(mock.paths.get('userData')).toBe(home);
    expect(shell?.agent.status().agent.pid).toBe(process.pid);
  });

  it('quits when another instance holds the lock', async () => {
    mock.singleInstance = false;
    expect(await startShell({ app: mock, env: { JETT_HOME: tempDir() } })).toBeNull();
    expect(mock.quit).toHaveBeenCalled();
  });
});
