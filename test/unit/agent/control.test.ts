// The control endpoint on a real Unix socket: owner-only, both ends prove the token without sending it, answers its
// methods, refuses hostile input and hostile peers, and stays bounded against a client that never reads.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ControlAuthError, ControlClient } from '../../../main/core/control/client.js';
import type { ControlLimits } from '../../../main/core/control/connection.js';
import { newNonce, proofFor } from '../../../main/core/control/handshake.js';
import { ControlServer } from '../../../main/core/control/server.js';
import { CONTROL_MAX_APPEND, CONTROL_MAX_LINE_BYTES, CONTROL_METHODS, type ControlEvent } from '../../../main/core/contracts/control.js';
import { ErrorEnvelopeSchema } from '../../../main/core/contracts/errors.js';
import type { StatusSnapshot } from '../../../main/core/contracts/status.js';
import { JettError } from '../../../main/core/errors.js';
import { EventBus } from '../../../main/core/events/bus.js';
import { createLogger } from '../../../main/core/log/logger.js';
import { EVENT_NAMES, EVENT_SAMPLES } from '../../helpers/event-samples.js';
import { tempDir } from '../../helpers/tmp.js';

const SECRET = 'k3y-only-the-user-can-read-0123456789abcdef';

/** What the fake agent's `status` answers: a snapshot as the contract has it. */
const SNAPSHOT: StatusSnapshot = {
  agent: { pid: 4242, version: '0.1.0', startedAt: '2026-11-27T09:00:00.000Z' },
  tunnel: { state: 'up', reason: 'handshake 5 s ago', handshakeAgeS: 5, rxBytes: 1024, txBytes: 2048, probeRttMs: 3, endpoint: 'vps.example.org:51820' },
  outbox: { pending: 0, oldestPendingAgeS: null, dead: 0, lastSuccessAt: null },
  inbox: { pending: 0 },
  heartbeat: { lastSentAt: null, failures: 0 },
  voice: { state: 'idle' },
};
const SYNC_ROUND = { pushed: 3, rejected: 0, pulled: 0, handled: 0, lastSeq: 3 };

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface StartOptions {
  onFailure?: (err: Error) => void;
  /** Replaces the status handler. */
  status?: () => Promise<StatusSnapshot>;
  limits?: Partial<ControlLimits>;
  now?: () => number;
}

async function start(opts: StartOptions = {}) {
  const sock = path.join(tempDir(), 'control.sock');
  const bus = new EventBus();
  const calls: string[] = [];
  const logs: Record<string, unknown>[] = [];
  const ran: string[] = [];
  const server = new ControlServer({
    path: sock,
    secret: SECRET,
    handlers: {
      status: opts.status ?? (async () => (calls.push('status'), SNAPSHOT)),
      'sync.once': async () => SYNC_ROUND,
      'tunnel.up': async () => {
        throw new JettError('wg-quick up failed: interface name "jett0" is in use', 'run `jett tunnel down` first');
      },
      'tunnel.down': async () => undefined,
      'tunnel.nudge': async () => undefined,
      'voice.toggle': async () => undefined,
      'voice.handsFree': async () => undefined,
      'voice.hold': async () => undefined,
      'outbox.status': async () => ({ ...SNAPSHOT.outbox, sent: 0, lastError: null }),
      'outbox.append': async (params) => (calls.push('outbox.append'), { first: 1, last: params.payloads.length }),
      'config.reload': async () => (calls.push('config.reload'), { sections: [], needsTunnelSetup: false }),
      'voice.history': async () => [],
      'voice.history.delete': async () => ({ kind: 'voice.turn', ids: [], all: true, outboxRows: 0, localRows: 0, tombstones: [1], at: '2026-11-27T10:00:00.000Z' }),
      'voice.devices': async () => ({ supported: false, devices: [], note: 'not in this test' }),
      'memory.list': async () => ({ items: [], search: { ready: true, model: 'all-minilm-l6-v2', reason: null } }),
      'memory.forget': async (what) => ({ forgotten: [], missing: what.ids }),
    },
    bus,
    logger: createLogger({ sink: (l) => logs.push(JSON.parse(l) as Record<string, unknown>), format: 'json' }),
    ...(opts.onFailure ? { onFailure: opts.onFailure } : {}),
    ...(opts.limits ? { limits: opts.limits } : {}),
    ...(opts.now ? { now: opts.now } : {}),
  });
  await server.listen();
  cleanups.push(() => server.close());
  // Every handler that runs leaves its name, whichever method it is.
  const handlers = (server as unknown as { opts: { handlers: Record<string, (...a: unknown[]) => unknown> } }).opts.handlers;
  for (const [name, fn] of Object.entries(handlers)) handlers[name] = (...a: unknown[]) => (ran.push(name), fn(...a));
  const serverSockets = () => [...(server as unknown as { sockets: Set<net.Socket> }).sockets];
  return { sock, bus, server, calls, ran, logs, serverSockets };
}

/** A raw connection that reads lines; what a hand-written (or hostile) client sees. */
async function raw(sock: string) {
  const socket = net.connect(sock);
  await new Promise((r) => socket.once('connect', r));
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
  const closed = new Promise<void>((r) => socket.once('close', () => r()));
  const next = async (): Promise<Record<string, unknown>> => {
    while (lines.length === 0) await new Promise<void>((r) => waiters.push(r));
    return JSON.parse(lines.shift()!) as Record<string, unknown>;
  };
  return { socket, next, closed, send: (obj: unknown) => socket.write(`${typeof obj === 'string' ? obj : JSON.stringify(obj)}\n`) };
}

/** A raw connection that has done the client's half of the handshake with `secret`. */
async function rawAuthed(sock: string, secret = SECRET) {
  const c = await raw(sock);
  const hello = await c.next();
  const nonce = newNonce();
  c.send({ proof: proofFor(secret, 'client', hello.nonce as string, nonce), nonce });
  expect(await c.next()).toEqual({ proof: proofFor(secret, 'server', hello.nonce as string, nonce) });
  return c;
}

/** A server that grabbed the socket path without knowing the token; it records every byte a client sends it. */
async function rogueServer(behave: (socket: net.Socket, line: string | null) => void) {
  const sock = path.join(tempDir(), 'control.sock');
  const received: string[] = [];
  const server = net.createServer((socket) => {
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      received.push(d);
      behave(socket, d);
    });
    behave(socket, null);
  });
  await new Promise<void>((r) => server.listen(sock, () => r()));
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  return { sock, received };
}

describe.runIf(process.platform !== 'win32')('ControlServer and ControlClient', () => {
  it('serve on a socket only the owner may use', async () => {
    const { sock } = await start();
    expect(fs.statSync(sock).mode & 0o777).toBe(0o600);
  });

  it('answer a method, and turn an agent error into a JettError with its fix', async () => {
    const { sock } = await start();
    const client = (await ControlClient.connect(sock, SECRET))!;
    expect(await client.call('status')).toEqual(SNAPSHOT);
    expect(await client.call('sync.once')).toEqual(SYNC_ROUND);
    await expect(client.call('tunnel.up')).rejects.toMatchObject({ message: expect.stringContaining('in use'), fix: 'run `jett tunnel down` first' });
    client.close();
  });

  it('say null when no agent listens', async () => {
    expect(await ControlClient.connect(path.join(tempDir(), 'none.sock'), SECRET)).toBeNull();
  });

  it('refuse malformed, unknown and oversized requests with a clear error', async () => {
    const { sock } = await start();
    const c = await rawAuthed(sock);
    c.send('not json');
    expect(await c.next()).toMatchObject({ ok: false, error: { message: 'the request is not JSON' } });
    c.send('{"id":7,"method":"rm -rf"}');
    expect(await c.next()).toMatchObject({ id: 7, ok: false });
    c.send('{"id":8,"method":"status","extra":{"__proto__":1}}');
    expect(await c.next()).toMatchObject({ id: 8, ok: false });
    // The old wire format's token field is refused too: nothing secret belongs in a request.
    c.send({ id: 9, method: 'status', token: SECRET });
    expect(await c.next()).toMatchObject({ id: 9, ok: false });
    c.socket.write('x'.repeat(CONTROL_MAX_LINE_BYTES + 10));
    expect(await c.next()).toMatchObject({ ok: false, error: { message: expect.stringContaining('longer than') } });
    await c.closed;
  });

  it('pass params to the method, which refuses invalid ones with the path and the rule', async () => {
    const { sock } = await start();
    const client = (await ControlClient.connect(sock, SECRET))!;
    expect(await client.call('outbox.append', { kind: 'note', payloads: [{ a: 1 }, { a: 2 }] })).toEqual({ first: 1, last: 2 });
    await expect(client.call('outbox.append', { kind: 'DROP TABLE', payloads: [1] })).rejects.toThrow(/invalid params: kind: kind is a short lowercase name/);
    await expect(client.call('outbox.append', { kind: 'note', payloads: Array(CONTROL_MAX_APPEND + 1).fill(0) })).rejects.toThrow(/invalid params: payloads/);
    const withExtraField = { kind: 'note', payloads: [1], admin: true };
    await expect(client.call('outbox.append', withExtraField)).rejects.toThrow(/invalid params/);
    client.close();
  });

  it('report a failure of the listening socket, and serve again after listen()', async () => {
    const failures: string[] = [];
    const { sock, server } = await start({ onFailure: (err) => failures.push(err.message) });
    (server as unknown as { server: net.Server }).server.emit('error', new Error('EMFILE: too many open files'));
    expect(failures).toEqual(['EMFILE: too many open files']);
    await server.listen();
    const client = (await ControlClient.connect(sock, SECRET))!;
    expect(await client.call('status')).toEqual(SNAPSHOT);
    client.close();
  });

  it('stream bus events to a subscriber', async () => {
    const { sock, bus } = await start();
    const client = (await ControlClient.connect(sock, SECRET))!;
    const got: ControlEvent[] = [];
    await client.subscribe((e) => void got.push(e));
    bus.emit('tunnel.state', { from: 'up', to: 'degraded', reason: '2 probes failed', at: 'now' });
    await client.call('status');
    expect(got).toEqual([{ event: 'tunnel.state', payload: { from: 'up', to: 'degraded', reason: '2 probes failed', at: 'now' } }]);
    client.close();
  });

  it('forward every event of the event map to a subscriber, and name them all in the subscribe reply', async () => {
    const { sock, bus } = await start();
    const c = await rawAuthed(sock);
    c.send({ id: 1, method: 'events.subscribe' });
    const reply = await c.next();
    expect(reply).toMatchObject({ id: 1, ok: true });
    expect([...(reply.result as { subscribed: string[] }).subscribed].sort()).toEqual([...EVENT_NAMES].sort());

    const client = (await ControlClient.connect(sock, SECRET))!;
    const got: ControlEvent[] = [];
    await client.subscribe((e) => void got.push(e));
    for (const name of EVENT_NAMES) bus.emit(name, EVENT_SAMPLES[name]);
    // One round trip: every event line the agent wrote before its answer has been read.
    await client.call('tunnel.nudge');
    expect(got).toEqual(EVENT_NAMES.map((name) => ({ event: name, payload: EVENT_SAMPLES[name] })));
    client.close();
  });

  it('leave out, on the client, an event whose payload breaks its schema (an agent of another version)', async () => {
    const { sock, bus } = await start();
    const client = (await ControlClient.connect(sock, SECRET))!;
    const got: ControlEvent[] = [];
    await client.subscribe((e) => void got.push(e));
    bus.emit('voice.turn', { id: 'from-another-version' } as never);
    bus.emit('voice.turn', EVENT_SAMPLES['voice.turn']);
    await client.call('tunnel.nudge');
    expect(got).toEqual([{ event: 'voice.turn', payload: EVENT_SAMPLES['voice.turn'] }]);
    client.close();
  });

  it('answer bad params with the error envelope: code invalid-params and each wrong field, before the method runs', async () => {
    const { sock, calls } = await start();
    const c = await rawAuthed(sock);
    c.send({ id: 3, method: 'outbox.append', params: { kind: 'DROP TABLE', payloads: [] } });
    const reply = await c.next();
    expect(reply).toMatchObject({ id: 3, ok: false });
    const error = ErrorEnvelopeSchema.parse(reply.error);
    expect(error).toMatchObject({
      code: 'invalid-params',
      name: 'UsageError',
      message: 'invalid params: kind: kind is a short lowercase name such as note or automation.result',
      fix: 'see main/core/contracts/control.ts for what each method takes',
    });
    expect(error.issues.map((i) => i.path)).toEqual(['kind', 'payloads']);
    // A method that takes no params refuses some.
    c.send({ id: 4, method: 'status', params: { verbose: true } });
    expect(ErrorEnvelopeSchema.parse((await c.next()).error)).toMatchObject({ code: 'invalid-params', issues: [{ path: '' }] });
    // config.reload names secrets only from the known list and never carries a value: another process cannot use it
    // to reach a file or to hand the agent a secret.
    c.send({ id: 5, method: 'config.reload', params: { secrets: ['../../etc/shadow'], refresh: ['everything'] } });
    expect(ErrorEnvelopeSchema.parse((await c.next()).error)).toMatchObject({ code: 'invalid-params', issues: [{ path: 'secrets.0' }, { path: 'refresh.0' }] });
    c.send({ id: 6, method: 'config.reload', params: { secrets: ['postgres.password'], value: 'planted' } });
    expect(ErrorEnvelopeSchema.parse((await c.next()).error)).toMatchObject({ code: 'invalid-params' });
    expect(calls).toEqual([]);

    // The client rebuilds the same error, code and fields included.
    const client = (await ControlClient.connect(sock, SECRET))!;
    const err = await client.call('outbox.append', { kind: 'DROP TABLE', payloads: [1] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JettError);
    expect(err).toMatchObject({ name: 'UsageError', errorCode: 'invalid-params', issues: [{ path: 'kind' }] });
    client.close();
  });

  it('name each refusal with its code in the envelope', async () => {
    const { sock } = await start({
      status: async () => {
        throw new Error('ECONNREFUSED 10.0.0.2:5432 password=hunter2');
      },
    });
    const c = await rawAuthed(sock);
    const errorOf = async () => ErrorEnvelopeSchema.parse((await c.next()).error);
    c.send('not json');
    expect(await errorOf()).toMatchObject({ code: 'invalid-request' });
    c.send({ id: 2, method: 'rm -rf' });
    expect(await errorOf()).toMatchObject({ code: 'invalid-request' });
    c.send({ id: 3, method: 'tunnel.up' });
    expect(await errorOf()).toEqual({ code: 'failed', name: 'JettError', message: 'wg-quick up failed: interface name "jett0" is in use', fix: 'run `jett tunnel down` first', issues: [] });
    // An unexpected error's text stays in the agent's log.
    c.send({ id: 4, method: 'status' });
    const internal = await errorOf();
    expect(internal).toMatchObject({ code: 'internal', name: 'InternalError' });
    expect(JSON.stringify(internal)).not.toContain('hunter2');
    c.socket.write('x'.repeat(CONTROL_MAX_LINE_BYTES + 10));
    expect(await errorOf()).toMatchObject({ code: 'too-large' });
    await c.closed;

    const stranger = await raw(sock);
    await stranger.next();
    stranger.send({ proof: 'c'.repeat(64), nonce: newNonce() });
    expect(ErrorEnvelopeSchema.parse((await stranger.next()).error)).toMatchObject({ code: 'refused' });
  });

  it('answer only what the contract names: a stray field is dropped, a reply that breaks it is refused', async () => {
    let answer: unknown = { ...SNAPSHOT, controlToken: SECRET };
    const { sock, logs } = await start({ status: async () => answer as StatusSnapshot });
    const c = await rawAuthed(sock);
    c.send({ id: 1, method: 'status' });
    const first = await c.next();
    expect(first).toEqual({ id: 1, ok: true, result: SNAPSHOT });
    answer = { tunnel: 'up' };
    c.send({ id: 2, method: 'status' });
    const second = await c.next();
    expect(ErrorEnvelopeSchema.parse(second.error)).toMatchObject({ code: 'bad-reply', message: 'status: the agent produced a reply that breaks the contract' });
    expect(logs.some((l) => l.msg === 'control reply does not match the contract')).toBe(true);
  });

  it('leave alone a socket file that is no longer theirs when they close', async () => {
    const { sock, server } = await start();
    fs.rmSync(sock);
    const successor = net.createServer();
    await new Promise<void>((r) => successor.listen(sock, () => r()));
    await server.close();
    expect(fs.existsSync(sock)).toBe(true);
    await new Promise<void>((r) => successor.close(() => r()));
  });
});

/** An agent of another version: it proves the token, then answers every request with `answer(id)`. */
async function otherVersionAgent(answer: (id: number) => unknown) {
  const sock = path.join(tempDir(), 'control.sock');
  const server = net.createServer((socket) => {
    socket.setEncoding('utf8');
    const agentNonce = newNonce();
    let authed = false;
    socket.write(`${JSON.stringify({ hello: 'jett-control/1', nonce: agentNonce })}\n`);
    socket.on('data', (d: string) => {
      for (const line of d.split('\n').filter(Boolean)) {
        const msg = JSON.parse(line) as { nonce?: string; id?: number };
        if (!authed) {
          authed = true;
          socket.write(`${JSON.stringify({ proof: proofFor(SECRET, 'server', agentNonce, msg.nonce!) })}\n`);
        } else socket.write(`${JSON.stringify(answer(msg.id!))}\n`);
      }
    });
  });
  await new Promise<void>((r) => server.listen(sock, () => r()));
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  const client = (await ControlClient.connect(sock, SECRET))!;
  cleanups.push(() => client.close());
  return client;
}

describe.runIf(process.platform !== 'win32')('ControlClient', () => {
  it('refuses a result that breaks the contract, with code bad-reply, even from an agent that knows the token', async () => {
    const client = await otherVersionAgent((id) => ({ id, ok: true, result: { tunnel: 'up' } }));
    const err = await client.call('status').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JettError);
    expect(err).toMatchObject({ errorCode: 'bad-reply', message: expect.stringMatching(/^status: the agent answered outside the contract/) });
  });

  it('fails a call whose error reply is not the envelope (an older agent) instead of waiting for ever', async () => {
    const client = await otherVersionAgent((id) => ({ id, ok: false, error: { name: 'JettError', message: 'wg-quick up failed', fix: 'run `jett tunnel down` first' } }));
    await expect(client.call('tunnel.up')).rejects.toMatchObject({ errorCode: 'bad-reply', message: expect.stringMatching(/^tunnel\.up: the agent answered outside the contract/) });
  });
});

describe.runIf(process.platform !== 'win32')('the control handshake', () => {
  it('refuses a server that grabbed the socket path without the token; it receives neither the token nor a request', async () => {
    const fakeStatus = { id: 1, ok: true, result: { tunnel: { state: 'up' } } };
    // Each stand-in plays a different trick: a made-up proof, the client's own proof sent back, a forged reply.
    const tricks: Record<string, (socket: net.Socket, line: string | null) => void> = {
      'made-up proof': (s, line) => s.write(line === null ? `${JSON.stringify({ hello: 'jett-control/1', nonce: newNonce() })}\n` : `${JSON.stringify({ proof: 'a'.repeat(64) })}\n`),
      'reflected proof': (s, line) => {
        if (line === null) s.write(`${JSON.stringify({ hello: 'jett-control/1', nonce: newNonce() })}\n`);
        else s.write(`${JSON.stringify({ proof: (JSON.parse(line) as { proof: string }).proof })}\n`);
      },
      'forged reply instead of a hello': (s, line) => {
        if (line === null) s.write(`${JSON.stringify(fakeStatus)}\n`);
      },
    };
    for (const [name, trick] of Object.entries(tricks)) {
      const rogue = await rogueServer(trick);
      const err = await ControlClient.connect(rogue.sock, SECRET).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err, name).toBeInstanceOf(ControlAuthError);
      expect((err as ControlAuthError).message, name).toMatch(/is not this user's Jett agent, so nothing was sent to it/);
      const seen = rogue.received.join('');
      expect(seen, name).not.toContain(SECRET);
      expect(seen, name).not.toContain('method');
    }
  });

  it('makes a collected client proof worthless: replayed to the agent, it is refused and no request runs', async () => {
    const { sock, calls, logs } = await start();
    // The rogue collects what an honest client answers to its challenge...
    let collected = '';
    const rogue = await rogueServer((s, line) => {
      if (line === null) s.write(`${JSON.stringify({ hello: 'jett-control/1', nonce: newNonce() })}\n`);
      else {
        collected = line.trim();
        s.write(`${JSON.stringify({ proof: 'b'.repeat(64) })}\n`);
      }
    });
    await expect(ControlClient.connect(rogue.sock, SECRET)).rejects.toThrow(ControlAuthError);
    expect(collected).toMatch(/"proof"/);
    // ...and replays it to the real agent, which challenged it with a fresh nonce.
    const c = await raw(sock);
    await c.next();
    c.send(collected);
    c.send({ id: 1, method: 'outbox.append', params: { kind: 'note', payloads: ['forged'] } });
    expect(await c.next()).toMatchObject({ id: null, ok: false, error: { message: 'the client did not prove it knows the control token' } });
    await c.closed;
    expect(calls).toEqual([]);
    expect(logs.filter((l) => String(l.msg).startsWith('control connection refused'))).toHaveLength(1);
  });

  it('refuses a client without the token before it handles any request', async () => {
    const { sock, calls } = await start();
    await expect(ControlClient.connect(sock, 'guessed')).rejects.toThrow(/did not prove it knows the control token/);
    const c = await raw(sock);
    expect(await c.next()).toMatchObject({ hello: 'jett-control/1' });
    c.send({ id: 1, method: 'outbox.append', params: { kind: 'note', payloads: ['forged'] } });
    expect(await c.next()).toMatchObject({ ok: false, error: { message: 'the client did not prove it knows the control token' } });
    await c.closed;
    expect(calls).toEqual([]);
  });

  it('runs no method for a client with a guessed token, whichever method it asks for (history, memory, hold-to-talk included)', async () => {
    const { sock, ran } = await start();
    for (const method of Object.keys(CONTROL_METHODS)) {
      const c = await raw(sock);
      const hello = await c.next();
      const nonce = newNonce();
      c.send({ proof: proofFor('guessed-by-another-user', 'client', hello.nonce as string, nonce), nonce });
      c.send({ id: 1, method, params: {} });
      expect(await c.next(), method).toMatchObject({ ok: false, error: { message: 'the client did not prove it knows the control token' } });
      await c.closed;
    }
    expect(ran).toEqual([]);
    // The same request with the real token runs: the refusals above came from the token, not the request.
    const owner = await rawAuthed(sock);
    owner.send({ id: 1, method: 'voice.history', params: {} });
    expect(await owner.next()).toMatchObject({ id: 1, ok: true });
    expect(ran).toEqual(['voice.history']);
  });

  it('hangs up on a client that never answers the challenge', async () => {
    const { sock } = await start({ limits: { handshakeTimeoutMs: 50 } });
    const c = await raw(sock);
    await c.next();
    await c.closed;
    expect(c.socket.destroyed).toBe(true);
  });

  it('logs the first refused client, then one line a minute with how many it left out', async () => {
    let now = 0;
    const { sock, server, logs } = await start({ now: () => now });
    const refuseOne = async () => {
      await expect(ControlClient.connect(sock, 'guessed')).rejects.toThrow(ControlAuthError);
    };
    const refusals = () => logs.filter((l) => String(l.msg).startsWith('control connection refused'));
    for (let i = 0; i < 40; i++) await refuseOne();
    expect(refusals()).toHaveLength(1);
    now += 59_000;
    await refuseOne();
    expect(refusals()).toHaveLength(1);
    now += 2_000;
    await refuseOne();
    expect(refusals()).toHaveLength(2);
    expect(refusals()[1]).toMatchObject({ level: 'warn', leftOutSinceLastLine: 40 });
    for (let i = 0; i < 5; i++) await refuseOne();
    await server.close();
    expect(refusals()).toHaveLength(3);
    expect(refusals()[2]).toMatchObject({ leftOutSinceLastLine: 5 });
  });
});

describe.runIf(process.platform !== 'win32')('control endpoint backpressure', () => {
  it('stops reading from a client that sends requests and never reads the replies, and loses none of them', async () => {
    const maxInFlight = 16;
    const { sock, serverSockets } = await start({ limits: { maxInFlight } });
    const c = await rawAuthed(sock);
    c.socket.pause();
    const requests = 100_000;
    let sent = 0;
    // A method with a short reply: with long ones (a whole snapshot) the reply queue passes its high-water mark for a
    // moment between two batches, and `settle` below would take that brief pause for the one this test is about.
    for (let id = 1; id <= requests; id++) {
      const line = `${JSON.stringify({ id, method: 'tunnel.nudge' })}\n`;
      sent += line.length;
      c.socket.write(line);
    }
    const [conn] = serverSockets();
    // Wait until the agent has stopped reading: its socket is paused and the client still holds unsent requests.
    const settle = async () => {
      for (let i = 0; i < 1000 && !(conn!.isPaused() && c.socket.writableLength > 0); i++) await new Promise((r) => setTimeout(r, 10));
    };
    await settle();
    const readAtPause = conn!.bytesRead;
    const reply = `${JSON.stringify({ id: requests, ok: true, result: null })}\n`.length;
    // What the agent holds for this client: at most the socket's high-water mark plus one reply per request in flight.
    const bound = conn!.writableHighWaterMark + maxInFlight * reply;
    expect(conn!.writableLength).toBeLessThanOrEqual(bound);
    expect(readAtPause).toBeLessThan(sent / 4);
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect(conn!.bytesRead).toBe(readAtPause);
    expect(conn!.writableLength).toBeLessThanOrEqual(bound);

    // Once the client reads, every request is answered, in order.
    c.socket.resume();
    for (let id = 1; id <= requests; id++) expect((await c.next()).id).toBe(id);
  }, 60_000);

  it('runs at most maxInFlight requests of one connection at once, and the rest once those finish', async () => {
    const maxInFlight = 4;
    let running = 0;
    let most = 0;
    const gates: (() => void)[] = [];
    const { sock } = await start({
      limits: { maxInFlight },
      status: async () => {
        most = Math.max(most, ++running);
        await new Promise<void>((r) => gates.push(r));
        running--;
        return SNAPSHOT;
      },
    });
    const c = await rawAuthed(sock);
    for (let id = 1; id <= 50; id++) c.send({ id, method: 'status' });
    while (gates.length < maxInFlight) await new Promise((r) => setTimeout(r, 5));
    // Give the agent every chance to start more than it may: it has read what it holds and stopped.
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect(running).toBe(maxInFlight);
    let answered = 0;
    while (answered < 50) {
      gates.splice(0).forEach((g) => g());
      await c.next();
      answered++;
    }
    expect(most).toBe(maxInFlight);
  });

  it('cuts off a subscriber that lets events pile up, before they pass the limit', async () => {
    const maxQueuedBytes = 64 * 1024;
    const { sock, bus, serverSockets, logs } = await start({ limits: { maxQueuedBytes } });
    const c = await rawAuthed(sock);
    c.send({ id: 1, method: 'events.subscribe' });
    expect(await c.next()).toMatchObject({ id: 1, ok: true });
    c.socket.pause();
    const [conn] = serverSockets();
    const payload = { title: 'n', body: 'x'.repeat(500) };
    let most = 0;
    for (let i = 0; i < 20_000 && !conn!.destroyed; i++) {
      bus.emit('notification', payload);
      most = Math.max(most, conn!.writableLength);
    }
    expect(conn!.destroyed).toBe(true);
    expect(most).toBeLessThanOrEqual(maxQueuedBytes);
    expect(logs.some((l) => String(l.msg).startsWith('control client cut off'))).toBe(true);
  });
});
