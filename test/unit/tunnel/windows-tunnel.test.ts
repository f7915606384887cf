// The Windows tunnel for a normal user, on replayed outputs of Windows' own tools (fixtures/windows, each citing
// its source): existence from the service state, wg.exe's "Permission denied" not taken for "absent", sc read by
// exit status and state number, a restart that waits for the stop, and a ping probe that works in any language.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EventBus } from '../../../main/core/events/bus.js';
import { createTunnelControl, isMissingInterface, SERVICE_STOP_WAIT } from '../../../main/core/tunnel/control.js';
import { TunnelError } from '../../../main/core/tunnel/errors.js';
import { TunnelMonitor } from '../../../main/core/tunnel/health.js';
import { parsePingRtt, pingProbe } from '../../../main/core/tunnel/probe.js';
import type { ProcessRunner, RunResult } from '../../../main/core/tunnel/runner.js';
import { parseScState, SERVICE_STATE } from '../../../main/core/tunnel/windows-service.js';
import { FakeTimers } from './fake-timers.js';
import { replay } from './windows-replay.js';

const DUMP = fs.readFileSync(new URL('./fixtures/dump-desktop.txt', import.meta.url), 'utf8');

/** A runner that answers each program from a queue of replays (the last one repeats), recording the calls. */
function scripted(answers: Record<string, (RunResult | string)[]>): { runner: ProcessRunner; calls: string[][] } {
  const calls: string[][] = [];
  const runner: ProcessRunner = {
    async run(file, args) {
      calls.push([file, ...args]);
      const key = `${file.split('/').pop()} ${args[0]}`;
      const queue = answers[key];
      if (!queue) throw new Error(`unexpected ${key}`);
      const next = queue.length > 1 ? queue.shift()! : queue[0]!;
      return typeof next === 'string' ? replay(next) : next;
    },
  };
  return { runner, calls };
}

const resolve = (name: string) => `/fake/bin/${name}`;

function operator(answers: Record<string, (RunResult | string)[]>) {
  const rec = scripted(answers);
  const sleeps: number[] = [];
  const control = createTunnelControl({ iface: 'jett0', runner: rec.runner, privateDir: '/unused', platform: 'win32', resolve, sleep: async (ms) => void sleeps.push(ms) });
  return { ...rec, control, sleeps };
}

describe('wg.exe show: absent versus not allowed', () => {
  it('"No such file or directory" is no interface; "Permission denied" is not', () => {
    expect(isMissingInterface(replay('wg-show-missing.txt'))).toBe(true);
    expect(isMissingInterface(replay('wg-show-permission-denied.txt'))).toBe(false);
  });
});

describe('sc query, read by numbers', () => {
  it('reads the state number whatever the language of the labels', () => {
    expect(parseScState(replay('sc-query-running.txt').stdout)).toBe(SERVICE_STATE.running);
    expect(parseScState(replay('sc-query-stop-pending.txt').stdout)).toBe(SERVICE_STATE.stopPending);
    expect(parseScState(replay('sc-query-stopped.txt').stdout)).toBe(SERVICE_STATE.stopped);
    expect(parseScState(replay('sc-query-stopped-zh.txt').stdout)).toBe(SERVICE_STATE.stopped);
    expect(parseScState(replay('sc-start-pending.txt').stdout)).toBe(SERVICE_STATE.startPending);
    expect(parseScState(replay('sc-query-missing.txt').stdout)).toBeNull();
  });
});

describe('Windows, as a normal user (the operator-startable service)', () => {
  it('a running service whose interface wg.exe may not read exists, with no peer details, and wg.exe is asked once', async () => {
    const { control, calls } = operator({ 'sc.exe query': ['sc-query-running.txt'], 'wg.exe show': ['wg-show-permission-denied.txt'] });
    expect(await control.show()).toEqual({ name: 'jett0', peers: [] });
    expect(await control.show()).toEqual({ name: 'jett0', peers: [] });
    expect(calls.filter((c) => c[0] === '/fake/bin/wg.exe')).toHaveLength(1);
    expect(calls[0]).toEqual(['/fake/bin/sc.exe', 'query', 'WireGuardTunnel$jett0']);
  });

  it('an elevated administrator still gets the peer details from wg.exe', async () => {
    const { control } = operator({ 'sc.exe query': ['sc-query-running.txt'], 'wg.exe show': [{ exitCode: 0, stdout: DUMP, stderr: '' }] });
    expect((await control.show())!.peers).toHaveLength(1);
  });

  it('a stopped service, a missing service (1060) and a running service without its adapter read as no interface', async () => {
    expect(await operator({ 'sc.exe query': ['sc-query-stopped.txt'] }).control.show()).toBeNull();
    expect(await operator({ 'sc.exe query': ['sc-query-stopped-zh.txt'] }).control.show()).toBeNull();
    expect(await operator({ 'sc.exe query': ['sc-query-missing.txt'] }).control.show()).toBeNull();
    expect(await operator({ 'sc.exe query': ['sc-query-running.txt'], 'wg.exe show': ['wg-show-missing.txt'] }).control.show()).toBeNull();
  });

  it('"already running" (1056) from sc start is the tunnel up already, not a name in use', async () => {
    const { control } = operator({ 'sc.exe start': ['sc-start-already-running.txt'] });
    await expect(control.up('unused')).resolves.toBeUndefined();
  });

  it('a start of a service that is not installed (1060) says to run the setup', async () => {
    const { control } = operator({ 'sc.exe start': ['sc-start-missing.txt'] });
    const err = await control.up('unused').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TunnelError);
    expect((err as TunnelError).message).toMatch(/WireGuardTunnel\$jett0 is not installed/);
    expect((err as TunnelError).fix).toMatch(/jett tunnel install/);
  });

  it('restart: sc stop returns while STOP_PENDING; down() polls the state number until STOPPED, then up() starts', async () => {
    const { control, calls, sleeps } = operator({
      'sc.exe stop': ['sc-stop-pending.txt'],
      'sc.exe query': ['sc-query-stop-pending.txt', 'sc-query-stop-pending.txt', 'sc-query-stopped.txt'],
      'sc.exe start': ['sc-start-pending.txt'],
    });
    expect(await control.down()).toBe(true);
    await control.up('unused');
    expect(calls.map((c) => c[1])).toEqual(['stop', 'query', 'query', 'query', 'start']);
    expect(sleeps).toEqual([SERVICE_STOP_WAIT.pollMs, SERVICE_STOP_WAIT.pollMs]);
  });

  it('a stop that never completes ends with an error after the bound, not a start on a stopping service', async () => {
    const { control, calls } = operator({ 'sc.exe stop': ['sc-stop-pending.txt'], 'sc.exe query': ['sc-query-stop-pending.txt'] });
    await expect(control.down()).rejects.toThrow(/still stopping after 30 s/);
    expect(calls.filter((c) => c[1] === 'query')).toHaveLength(SERVICE_STOP_WAIT.maxPolls);
    expect(calls.some((c) => c[1] === 'start')).toBe(false);
  });

  it('stopping a service that is not started (1062) reports "was not up"', async () => {
    expect(await operator({ 'sc.exe stop': ['sc-stop-not-started.txt'] }).control.down()).toBe(false);
  });
});

describe('the ping probe in every language', () => {
  const probeOf = (name: string) => pingProbe({ runner: scripted({ 'ping.exe -n': [name] }).runner, ping: '/fake/bin/ping.exe', address: '10.0.0.2', platform: 'win32' });

  it.each([
    ['ping-en-reply.txt', 12],
    ['ping-en-reply-under-1ms.txt', 0.5],
    ['ping-de-reply.txt', 12],
    ['ping-fr-reply.txt', 6],
    ['ping-fr-reply-under-1ms.txt', 0.5],
    ['ping-ja-reply.txt', 7],
    ['ping-ru-reply.txt', 37],
  ])('%s is an answer in %s ms', async (name, rtt) => {
    expect(await probeOf(name)()).toEqual({ ok: true, rttMs: rtt, error: null });
  });

  it.each(['en', 'de', 'fr', 'ja'].flatMap((lang) => [`ping-${lang}-timeout.txt`, `ping-${lang}-unreachable.txt`]))('%s is no answer (unreachable exits 0 all the same)', async (name) => {
    expect(await probeOf(name)()).toEqual({ ok: false, rttMs: null, error: 'no answer from 10.0.0.2 within 1 s' });
  });

  it('an answer from another address (10.0.0.20 is not 10.0.0.2) is no answer', async () => {
    const other = replay('ping-en-reply.txt').stdout.replace('Reply from 10.0.0.2:', 'Reply from 10.0.0.20:');
    const probe = pingProbe({ runner: scripted({ 'ping.exe -n': [{ exitCode: 0, stdout: other, stderr: '' }] }).runner, ping: '/fake/bin/ping.exe', address: '10.0.0.2', platform: 'win32' });
    expect((await probe()).ok).toBe(false);
  });

  it('an answer whose time cannot be read still counts, with no time', async () => {
    const noTime = replay('ping-de-reply.txt').stdout.replace('Zeit=12ms ', '');
    expect(parsePingRtt(noTime, 'win32')).toBeNull();
    const probe = pingProbe({ runner: scripted({ 'ping.exe -n': [{ exitCode: 0, stdout: noTime, stderr: '' }] }).runner, ping: '/fake/bin/ping.exe', address: '10.0.0.2', platform: 'win32' });
    expect(await probe()).toEqual({ ok: true, rttMs: null, error: null });
  });
});

describe('a non-elevated tunnel that is up', () => {
  it('reads Up from the service state and a German ping, though wg.exe is denied', async () => {
    const { runner } = scripted({ 'sc.exe query': ['sc-query-running.txt'], 'wg.exe show': ['wg-show-permission-denied.txt'], 'ping.exe -n': ['ping-de-reply.txt'] });
    const control = createTunnelControl({ iface: 'jett0', runner, privateDir: '/unused', platform: 'win32', resolve });
    const bus = new EventBus();
    const states: string[] = [];
    bus.on('tunnel.state', (e) => states.push(`${e.to}: ${e.reason}`));
    const monitor = new TunnelMonitor({ iface: 'jett0', status: () => control.show(), probe: pingProbe({ runner, ping: '/fake/bin/ping.exe', address: '10.0.0.2', platform: 'win32' }), bus, timers: new FakeTimers() });
    expect(await monitor.tick()).toBe('up');
    expect(states).toEqual(['up: probe answered in 12.0 ms']);
    expect(monitor.snapshot()).toMatchObject({ state: 'up', probeRttMs: 12, handshakeAgeS: null });
  });
});
