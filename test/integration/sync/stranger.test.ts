// The attack of issue 12 ("credentials to a stranger"), performed for real: the tunnel is down and a stranger on
// the desktop's LAN holds the VPS address, asking for the password in cleartext, as MD5, after starting SCRAM, or
// not at all. `jett sync once` and a heartbeat run inside the desktop namespace with the real guard: the stranger
// receives no connection. With the route check made to pass (the LAN interface named as the tunnel), the stranger
// does get a connection, and still no password, no event and no query.
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { jettPaths } from '../../../main/core/config/paths.js';
import { ConfigStore } from '../../../main/core/config/store.js';
import { openLocalDb } from '../../../main/core/db/local-db.js';
import { Outbox } from '../../../main/core/outbox/store.js';
import { resolveBinary } from '../../../main/core/process/binaries.js';
import { FileSecretStore } from '../../../main/core/secrets/file-store.js';
import { createNetnsPair, TUNNEL, type NetnsPair } from '../../helpers/netns.js';
import { binary, describeWith, root } from '../../helpers/requirements.js';
import { tempDir } from '../../helpers/tmp.js';
import type { StrangerMode } from './stranger-server.js';

const PASSWORD = 'stranger-test-pw-Zq81vX4m';
const TOKEN = 'stranger-test-token-Kp20wR7n';
const JETT_BIN = path.resolve('bin/jett.mjs');
const PORTS: Record<number, StrangerMode> = { 5432: 'cleartext', 5433: 'md5', 5434: 'sasl-then-cleartext', 5435: 'trust', 5678: 'http' };

interface Received {
  port: number;
  conn: number;
  data?: string;
  closed?: boolean;
}

/** The message types a client sent after its startup message (PostgreSQL framing: type byte, int32 length). */
function framesAfterStartup(bytes: Buffer): string[] {
  const types: string[] = [];
  let at = bytes.readInt32BE(0);
  while (at + 5 <= bytes.length) {
    types.push(String.fromCharCode(bytes[at]!));
    at += 1 + bytes.readInt32BE(at + 1);
  }
  return types;
}

describeWith([root, binary('ip')], 'a stranger at the VPS address while the tunnel is down', () => {
  let pair: NetnsPair;
  let stranger: ResultPromise;
  const received: Received[] = [];
  let home: string;

  const bytesOn = (port: number) => Buffer.concat(received.filter((r) => r.port === port && r.data).map((r) => Buffer.from(r.data!, 'base64')));
  const connsOn = (port: number) => new Set(received.filter((r) => r.port === port).map((r) => r.conn)).size;
  const setIface = (iface: string) => new ConfigStore(jettPaths(home).config).set('tunnel.interface', iface);
  const syncOnce = (port: number) => {
    new ConfigStore(jettPaths(home).config).set('postgres.port', String(port));
    return pair.runner('desktop').run(process.execPath, [JETT_BIN, 'sync', 'once'], { env: { JETT_HOME: home }, timeoutMs: 60_000 });
  };
  const heartbeat = async (iface: string) => {
    const r = await pair.runner('desktop').run(process.execPath, ['--import', 'tsx', path.resolve('test/integration/sync/stranger-heartbeat.ts'), iface, `http://${TUNNEL.vps}:5678/webhook/heartbeat`], { input: TOKEN, timeoutMs: 60_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as { lastSentAt: string | null; lastError: string | null };
  };

  beforeAll(async () => {
    pair = await createNetnsPair({ prefix: 'js' });
    // The home LAN uses the tunnel's addresses: the stranger holds the VPS's, the desktop sits beside it.
    const ip = resolveBinary('ip')!;
    await pair.exec('vps', ip, ['addr', 'add', `${TUNNEL.vps}/${TUNNEL.prefix}`, 'dev', pair.veth.vps]);
    await pair.exec('desktop', ip, ['addr', 'add', `198.18.0.23/${TUNNEL.prefix}`, 'dev', pair.veth.desktop]);
    stranger = execa(ip, ['netns', 'exec', pair.ns.vps, process.execPath, '--import', 'tsx', path.resolve('test/integration/sync/stranger-server.ts'), JSON.stringify(PORTS), TUNNEL.vps], { buffer: false, reject: false });
    await new Promise<void>((resolve, reject) => {
      readline.createInterface({ input: stranger.stdout! }).on('line', (line) => {
        const obj = JSON.parse(line) as Received & { listening?: boolean };
        if (obj.listening) resolve();
        else received.push(obj);
      });
      void stranger.then((r) => reject(new Error(`the stranger exited: ${String(r.stderr)}`)));
    });
    // A desktop as a user sets it up: the VPS database at the tunnel address, its password in the secret store,
    // and events waiting in the outbox.
    home = tempDir('jett-stranger-');
    const config = new ConfigStore(jettPaths(home).config);
    for (const [k, v] of [['postgres.host', TUNNEL.vps], ['tunnel.address', `${TUNNEL.desktop}/${TUNNEL.prefix}`], ['tunnel.peerAddress', TUNNEL.vps]] as const) config.set(k, v);
    await new FileSecretStore(jettPaths(home).secrets).set('postgres.password', PASSWORD);
    const local = openLocalDb(jettPaths(home).database);
    new Outbox(local).append('voice.turn', { text: 'private words' });
    local.close();
  }, 60_000);

  afterAll(async () => {
    stranger?.kill('SIGTERM');
    await pair?.destroy();
  });

  it('`jett sync once` refuses with "the tunnel is down" and the stranger gets no connection at all', async () => {
    const tunnelIface = pair.ifaceName('w');
    setIface(tunnelIface);
    for (const port of [5432, 5433, 5434, 5435]) {
      const r = await syncOnce(port);
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toContain(`the tunnel is down (interface ${tunnelIface} does not exist), so Jett does not connect to the VPS database at ${TUNNEL.vps}`);
      expect(r.stderr).toContain('jett tunnel up');
      expect(connsOn(port)).toBe(0);
    }
  }, 120_000);

  it('a heartbeat is refused the same way, and the stranger receives no request and no Authorization header', async () => {
    const status = await heartbeat(pair.ifaceName('w'));
    expect(status.lastSentAt).toBeNull();
    expect(status.lastError).toMatch(/the tunnel is down \(interface \S+ does not exist\), so Jett does not connect to the heartbeat webhook/);
    expect(connsOn(5678)).toBe(0);
  }, 60_000);

  it('with the route check made to pass, the stranger is asked nothing but still receives no password, event or query', async () => {
    // Name the LAN interface as the tunnel: the kernel's route does go through it, so the guard lets the connection out.
    setIface(pair.veth.desktop);
    const refusals: Record<string, RegExp> = {
      cleartext: /asked for the password in cleartext; Jett sends it only by SCRAM-SHA-256, so it sent nothing/,
      md5: /asked for the password as an MD5 hash; Jett sends it only by SCRAM-SHA-256/,
      'sasl-then-cleartext': /asked for the password in cleartext; Jett sends it only by SCRAM-SHA-256/,
      trust: /let Jett in without SCRAM-SHA-256, so it has not proved that it knows the password/,
    };
    for (const port of [5432, 5433, 5434, 5435]) {
      const mode = PORTS[port]!;
      const r = await syncOnce(port);
      expect(r.exitCode, mode).toBe(1);
      expect(r.stderr, mode).toMatch(refusals[mode]!);
      // The connection did reach the stranger (this is the check that makes the zero above mean something) ...
      expect(connsOn(port), mode).toBeGreaterThan(0);
      const bytes = bytesOn(port);
      // ... and it received the startup message only (plus SCRAM's first message, which carries no password).
      expect(bytes.toString('latin1'), mode).not.toContain(PASSWORD);
      expect(bytes.toString('latin1'), mode).not.toContain('private words');
      const frames = framesAfterStartup(bytes);
      expect(frames.filter((t) => t !== 'p'), mode).toEqual([]);
      expect(frames.length, mode).toBe(mode === 'sasl-then-cleartext' ? connsOn(port) : 0);
    }
    // The heartbeat, let through the same way, does reach it: the guard is what kept the token home above.
    const status = await heartbeat(pair.veth.desktop);
    expect(status.lastError).toBeNull();
    expect(bytesOn(5678).toString('latin1')).toContain(`authorization: Bearer ${TOKEN}`);
    const log = fs.readdirSync(path.join(home, 'logs')).map((f) => fs.readFileSync(path.join(home, 'logs', f), 'utf8')).join('');
    expect(log).not.toContain(PASSWORD);
  }, 180_000);
});
