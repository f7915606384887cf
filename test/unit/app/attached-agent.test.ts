// The tray app attached to a running `jett agent`, end to end: the real agent (in this process, as `jett agent` runs
// it) with its control endpoint on a Unix socket, the shell attaching through it, and what the window reads.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startShell, type ShellApp } from '../../../main/app/shell.js';
import { Agent } from '../../../main/core/agent.js';
import type { VoiceFactory } from '../../../main/core/agent/voice-factory.js';
import { ConfigSchema } from '../../../main/core/contracts/config.js';
import { StatusViewSchema } from '../../../main/core/contracts/ipc.js';
import type { EventBus } from '../../../main/core/events/bus.js';
import { openRuntime } from '../../../main/core/runtime.js';
import { voiceTurn } from '../../helpers/event-samples.js';
import { tempDir } from '../../helpers/tmp.js';
import * as electron from '../../mocks/electron.js';
import { eventFrom } from './helpers.js';

const { app, ipcMain, BrowserWindow } = electron;
const shellApp = electron.app as unknown as ShellApp;
const dirs = { preload: '/app/dist/preload/index.cjs', renderer: '/app/dist/renderer', icons: '/app/resources/tray' };

const cleanups: (() => Promise<void>)[] = [];
beforeEach(() => {
  app.isReady = false;
  app.singleInstance = true;
  app.removeAllListeners();
  ipcMain.handlers.clear();
  BrowserWindow.instances.length = 0;
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** `jett agent` for JETT_HOME `home`, with a voice pipeline that hands over the bus it publishes its turns on. */
async function runningAgent(home: string): Promise<{ voiceBus: () => EventBus }> {
  let bus: EventBus | null = null;
  const voice: VoiceFactory = async (ctx) => {
    bus = ctx.bus;
    return {
      state: () => 'idle',
      hold: async () => undefined,
      bargeIn: () => ({ active: false, reason: 'a stand-in pipeline' }),
      toggle: async () => undefined,
      speak: async () => {
        throw new Error('unused');
      },
      ask: async () => {
        throw new Error('unused');
      },
      onTurn: () => () => undefined,
      stop: async () => undefined,
    };
  };
  const runtime = openRuntime({ env: { JETT_HOME: home } });
  // No VPS here: nothing to connect to, so the agent only watches.
  const config = ConfigSchema.parse({ tunnel: { autoConnect: false }, postgres: { host: '127.0.0.1', port: 1 } });
  const agent = new Agent({ runtime, config, env: { ...process.env, JETT_HOME: home }, voice });
  await agent.start();
  cleanups.push(() => agent.stop());
  return { voiceBus: () => bus! };
}

describe.runIf(process.platform !== 'win32')('the tray app attached to a running jett agent', () => {
  it("shows the latency history: each voice turn of the agent reaches the window's status", async () => {
    const home = tempDir();
    const { voiceBus } = await runningAgent(home);
    const shell = (await startShell({ app: shellApp, env: { JETT_HOME: home }, dirs, platform: 'linux' }))!;
    cleanups.push(() => shell.stop());
    expect(shell.agent.mode).toBe('attached');
    const win = shell.openSettings() as unknown as InstanceType<typeof BrowserWindow>;

    // The voice pipeline publishes each finished turn on the agent's bus (main/core/voice/pipeline.ts).
    voiceBus().emit('voice.turn', voiceTurn('t1', 1080));
    voiceBus().emit('voice.turn', voiceTurn('t2', 950));
    // One round trip on the same connection: the event lines the agent wrote before its answer have been read.
    await shell.agent.status();

    const reply = (await ipcMain.invoke('status:get', eventFrom(win.webContents))) as { ok: true; value: unknown };
    const expected = [
      { at: '2026-11-27T10:00:00.000Z', speechEndToAudioMs: 1080 },
      { at: '2026-11-27T10:00:00.000Z', speechEndToAudioMs: 950 },
    ];
    expect(StatusViewSchema.parse(reply.value).turns).toEqual(expected);
    // The window is also told without asking: the last status it was sent carries the history.
    const pushed = win.webContents.sent.filter((m) => m.channel === 'status:changed').at(-1)!;
    expect(StatusViewSchema.parse(pushed.payload).turns).toEqual(expected);
  });
});
