// One error envelope for the window's IPC and the control endpoint: the same error thrown behind either answers the
// same envelope (code, name, message, fix, issues), bad input gets code invalid-params on both, and an unexpected
// error's text leaves through neither.
import net from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerIpcHandlers, type Handlers } from '../../../main/app/ipc/register.js';
import { ErrorEnvelopeSchema, type ErrorEnvelope } from '../../../main/core/contracts/errors.js';
import { INVOKE_CHANNELS, type InvokeChannel } from '../../../main/core/contracts/ipc.js';
import { newNonce, proofFor } from '../../../main/core/control/handshake.js';
import { ControlServer, type ControlHandlers } from '../../../main/core/control/server.js';
import { JettError } from '../../../main/core/errors.js';
import { EventBus } from '../../../main/core/events/bus.js';
import { createLogger } from '../../../main/core/log/logger.js';
import { tempDir } from '../../helpers/tmp.js';
import { ipcMain, MockWebContents } from '../../mocks/electron.js';
import { eventFrom } from './helpers.js';

const SECRET = 'error-envelope-test-secret';
/** Thrown the same way behind a channel and behind a method. */
const failures: Record<'operation' | 'unexpected', () => Error> = {
  operation: () => new JettError('wg-quick up failed: interface name "jett0" is in use', 'run `jett tunnel down` first'),
  unexpected: () => new Error('ENOENT /root/.config/Jett/secrets.json'),
};

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

let win: MockWebContents;
beforeEach(() => {
  ipcMain.handlers.clear();
  win = new MockWebContents();
  win.mainFrame.url = 'jett://app/index.html';
});

/** The IPC side: 'tunnel:up' throws the operation's error, 'tunnel:down' the unexpected one. */
function ipc() {
  const refuse = async () => {
    throw new Error('not part of this test');
  };
  const handlers = Object.fromEntries((Object.keys(INVOKE_CHANNELS) as InvokeChannel[]).map((c) => [c, refuse])) as unknown as Handlers;
  handlers['tunnel:up'] = async () => {
    throw failures.operation();
  };
  handlers['tunnel:down'] = async () => {
    throw failures.unexpected();
  };
  registerIpcHandlers(ipcMain, new Set([win.id]), handlers, { warn: vi.fn(), error: vi.fn() });
  return async (channel: string, ...args: unknown[]) => ((await ipcMain.invoke(channel, eventFrom(win), ...args)) as { error: unknown }).error;
}

/** The control side, the same way round, read as raw lines after the handshake. */
async function control() {
  const sock = path.join(tempDir(), 'control.sock');
  const done = async () => undefined;
  const handlers: ControlHandlers = {
    status: async () => {
      throw failures.unexpected();
    },
    'sync.once': async () => {
      throw failures.unexpected();
    },
    'tunnel.up': async () => {
      throw failures.operation();
    },
    'tunnel.down': async () => {
      throw failures.unexpected();
    },
    'tunnel.nudge': done,
    'voice.toggle': done,
    'voice.handsFree': done,
    'voice.hold': done,
    'outbox.status': async () => {
      throw failures.unexpected();
    },
    'outbox.append': async () => ({ first: 1, last: 1 }),
    'config.reload': async () => ({ sections: [], needsTunnelSetup: false }),
    'voice.history': async () => [],
    'voice.history.delete': async () => {
      throw failures.unexpected();
    },
    'voice.devices': async () => ({ supported: false, devices: [], note: 'not in this test' }),
    'memory.list': async () => ({ items: [], search: { ready: true, model: 'all-minilm-l6-v2', reason: null } }),
    'memory.forget': async (what) => ({ forgotten: [], missing: what.ids }),
  };
  const server = new ControlServer({ path: sock, secret: SECRET, handlers, bus: new EventBus(), logger: createLogger({ sink: () => {}, format: 'json' }) });
  await server.listen();
  cleanups.push(() => server.close());
  const socket = net.connect(sock);
  cleanups.push(() => void socket.destroy());
  socket.setEncoding('utf8');
  const lines: string[] = [];
  const waiters: (() => void)[] = [];
  let rest = '';
  socket.on('data', (d: string) => {
    const parts = (rest + d).split('\n');
    rest = parts.pop()!;
    lines.push(...parts);
    waiters.splice(0).forEach((w) => w());
  });
  const next = async (): Promise<Record<string, unknown>> => {
    while (lines.length === 0) await new Promise<void>((r) => waiters.push(r));
    return JSON.parse(lines.shift()!) as Record<string, unknown>;
  };
  const hello = await next();
  const nonce = newNonce();
  socket.write(`${JSON.stringify({ proof: proofFor(SECRET, 'client', hello.nonce as string, nonce), nonce })}\n`);
  await next();
  let id = 0;
  return async (method: string, params?: unknown) => {
    socket.write(`${JSON.stringify({ id: ++id, method, ...(params === undefined ? {} : { params }) })}\n`);
    return (await next()).error;
  };
}

describe.runIf(process.platform !== 'win32')('the error envelope', () => {
  it('is the same for IPC and the control endpoint: an operation that failed, an unexpected error', async () => {
    const ipcError = ipc();
    const controlError = await control();
    const viaIpc: unknown[] = [await ipcError('tunnel:up'), await ipcError('tunnel:down')];
    const viaControl: unknown[] = [await controlError('tunnel.up'), await controlError('tunnel.down')];
    for (const e of [...viaIpc, ...viaControl]) ErrorEnvelopeSchema.parse(e);
    expect(viaControl).toEqual(viaIpc);
    expect(viaIpc[0]).toEqual({ code: 'failed', name: 'JettError', message: 'wg-quick up failed: interface name "jett0" is in use', fix: 'run `jett tunnel down` first', issues: [] });
    expect(viaIpc[1]).toMatchObject({ code: 'internal', name: 'InternalError' });
    expect(JSON.stringify([viaIpc, viaControl])).not.toContain('secrets.json');
  });

  it('gives bad input code invalid-params and the wrong fields, on both', async () => {
    const ipcError = ipc();
    const controlError = await control();
    const fromIpc = ErrorEnvelopeSchema.parse(await ipcError('links:open', { target: 'ftp' }));
    const fromControl = ErrorEnvelopeSchema.parse(await controlError('outbox.append', { kind: 'Not A Kind', payloads: [1] }));
    const shape = (e: ErrorEnvelope) => ({ code: e.code, paths: e.issues.map((i) => i.path) });
    expect(shape(fromIpc)).toEqual({ code: 'invalid-params', paths: ['target'] });
    expect(shape(fromControl)).toEqual({ code: 'invalid-params', paths: ['kind'] });
  });
});
