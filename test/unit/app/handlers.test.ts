// main's answers to the window, with the real config store and the safeStorage secret store: generate keys, import
// a .conf, save settings, the [Peer] block. No reply to the renderer ever carries a private key, a preshared key
// or a password, whatever channel is called.
import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createHandlers } from '../../../main/app/ipc/handlers.js';
import { registerIpcHandlers } from '../../../main/app/ipc/register.js';
import { SafeStorageSecretStore } from '../../../main/app/secrets/safe-storage-store.js';
import { qrRows } from '../../../main/app/tunnel-settings.js';
import { createSetupService } from '../../../main/app/setup/service.js';
import { jettPaths } from '../../../main/core/config/paths.js';
import { ConfigStore } from '../../../main/core/config/store.js';
import { ErrorEnvelopeSchema } from '../../../main/core/contracts/errors.js';
import { INVOKE_CHANNELS, type InvokeChannel } from '../../../main/core/contracts/ipc.js';
import { TunnelError } from '../../../main/core/tunnel/errors.js';
import { generateKeyPair, generatePresharedKey, fingerprint } from '../../../main/core/tunnel/keys.js';
import { renderDesktopConfig } from '../../../main/core/tunnel/config.js';
import { ipcMain, MockWebContents, safeStorage } from '../../mocks/electron.js';
import { tempDir } from '../../helpers/tmp.js';
import { UNUSED_HANDLER_DEPS } from '../../helpers/unused-handlers.js';
import { eventFrom, FakeAgent } from './helpers.js';

type Reply = { ok: true; value: Record<string, unknown> } | { ok: false; error: unknown };

function setup() {
  const home = tempDir();
  const config = new ConfigStore(path.join(home, 'config.json'));
  const secrets = new SafeStorageSecretStore(path.join(home, 'secrets.safe.json'), safeStorage, 'linux');
  const clipboard: string[] = [];
  const chosen: { file: string | null } = { file: null };
  const agent = new FakeAgent();
  const setupTunnel = vi.fn(async () => {});
  const uninstall = vi.fn(async (deleteData: boolean) => ({ home, removed: deleteData ? [home] : [], left: [], dataKept: !deleteData }));
  const models = {
    list: async () => ({ models: [], error: 'Ollama is not running at http://127.0.0.1:11434', speech: { dir: path.join(home, 'models'), models: [], error: null } }),
    pull: async () => {},
  };
  const handlers = createHandlers({
    config,
    secrets,
    secretStoreNote: 'note',
    agent,
    statusView: async () => ({ snapshot: await agent.status(), hotkey: { accelerator: 'Ctrl+Alt+J', registered: true, error: null }, turns: [] }),
    onConfigChanged: vi.fn(),
    chooseConfFile: async () => chosen.file,
    readConfFile: async (f) => fs.readFileSync(f, 'utf8'),
    writeClipboard: (t) => void clipboard.push(t),
    openLink: async () => ({ opened: false, reason: 'tunnel down' }),
    models,
    sendModelProgress: vi.fn(),
    setupTunnel,
    uninstall,
    microphone: UNUSED_HANDLER_DEPS.microphone,
    setup: createSetupService({
      runtime: { config, secrets, paths: jettPaths(home) },
      platform: 'linux',
      env: { JETT_TUNNEL_CONTROL: 'helper' },
      agent,
      models,
      wireguard: () => ({ found: true, where: '/usr/bin/wg-quick' }),
      chooseBundleDir: async () => null,
      privileged: async () => ({ outcome: 'manual', command: 'jett tunnel install --handoff | sudo jett tunnel install --secrets-stdin' }),
      auditLive: async () => ({ tunnelAddress: '10.0.0.2', publicAddress: null, interface: 'jett0', checks: [], passed: true }),
      onConfigChanged: vi.fn(),
    }),
  });
  ipcMain.handlers.clear();
  const win = new MockWebContents();
  registerIpcHandlers(ipcMain, new Set([win.id]), handlers, { warn: vi.fn(), error: vi.fn() });
  const call = async (channel: InvokeChannel, arg?: unknown) => (await ipcMain.invoke(channel, eventFrom(win), ...(arg === undefined ? [] : [arg]))) as Reply;
  return { home, config, secrets, clipboard, chosen, agent, call, setupTunnel, uninstall };
}

function desktopConf(dir: string, privateKey: string, vpsPublic: string, psk: string | null): string {
  const file = path.join(dir, 'jett-desktop.conf');
  fs.writeFileSync(
    file,
    renderDesktopConfig({ privateKey, address: '10.0.0.1/24', vpsPublicKey: vpsPublic, vpsTunnelAddress: '10.0.0.2', endpoint: 'vps.example.org:51820', keepalive: 25, presharedKey: psk }),
  );
  return file;
}

beforeEach(() => {
  safeStorage.backend = 'gnome_libsecret';
});

describe('the window handlers', () => {
  it('generate keys: the window gets the public key and fingerprint, the store gets the private key', async () => {
    const t = setup();
    const r = await t.call('tunnel:generateKeys', { replace: false });
    expect(r.ok).toBe(true);
    const keys = (r as unknown as { value: { keys: { publicKey: string; fingerprint: string; privateKeyStored: boolean } } }).value.keys;
    const privateKey = (await t.secrets.get('tunnel.privateKey'))!;
    expect(keys.fingerprint).toBe(fingerprint(keys.publicKey));
    expect(keys.privateKeyStored).toBe(true);
    expect(JSON.stringify(r)).not.toContain(privateKey);
    // A second "generate" without "replace" would cut the desktop off: refused, the key kept.
    const again = await t.call('tunnel:generateKeys', { replace: false });
    expect(ErrorEnvelopeSchema.parse((again as { error: unknown }).error).message).toContain('a private key is already stored');
    expect(await t.secrets.get('tunnel.privateKey')).toBe(privateKey);
  });

  it('import a .conf: public fields to config, keys to the store, nothing secret in the reply', async () => {
    const t = setup();
    const desktop = generateKeyPair();
    const vps = generateKeyPair();
    const psk = generatePresharedKey();
    t.chosen.file = desktopConf(t.home, desktop.privateKey, vps.publicKey, psk);
    const r = await t.call('tunnel:importConf');
    expect(r.ok).toBe(true);
    expect((r as unknown as { value: { imported: unknown } }).value.imported).toEqual({
      file: t.chosen.file,
      address: '10.0.0.1/24',
      peerPublicKey: vps.publicKey,
      peerAddress: '10.0.0.2',
      endpoint: 'vps.example.org:51820',
      keepalive: 25,
      warnings: [],
    });
    expect(t.config.load().tunnel).toMatchObject({ endpoint: 'vps.example.org:51820', peerPublicKey: vps.publicKey });
    expect(await t.secrets.get('tunnel.privateKey')).toBe(desktop.privateKey);
    expect(await t.secrets.get('tunnel.presharedKey')).toBe(psk);
    expect(JSON.stringify(r)).not.toContain(desktop.privateKey);
    expect(JSON.stringify(r)).not.toContain(psk);
    expect(fs.readFileSync(path.join(t.home, 'config.json'), 'utf8')).not.toContain(desktop.privateKey);
  });

  it('tunnel setup (Windows, through UAC): runs the elevated setup and tells the window to sign in again; a No keeps its fix', async () => {
    const t = setup();
    expect(await t.call('tunnel:setup')).toEqual({ ok: true, value: { signInAgain: true } });
    expect(t.setupTunnel).toHaveBeenCalledTimes(1);
    t.setupTunnel.mockRejectedValueOnce(new TunnelError('the tunnel setup was cancelled at the Windows prompt; nothing was changed', 'run it again and choose Yes'));
    const refused = await t.call('tunnel:setup');
    expect(refused.ok).toBe(false);
    expect(ErrorEnvelopeSchema.parse((refused as { error: unknown }).error)).toMatchObject({ message: expect.stringMatching(/cancelled at the Windows prompt/), fix: 'run it again and choose Yes' });
  });

  it('"Remove Jett" passes the data choice through, and an argument that is not a plain yes/no reaches nothing', async () => {
    const t = setup();
    expect(await t.call('app:uninstall', { deleteData: false })).toEqual({ ok: true, value: { home: t.home, removed: [], left: [], dataKept: true } });
    expect(t.uninstall).toHaveBeenLastCalledWith(false);
    for (const bad of [undefined, {}, { deleteData: 'yes' }, { deleteData: true, path: '/' }]) expect((await t.call('app:uninstall', bad)).ok).toBe(false);
    expect(t.uninstall).toHaveBeenCalledTimes(1);
  });

  it('a cancelled dialog changes nothing', async () => {
    const t = setup();
    expect(await t.call('tunnel:importConf')).toEqual({ ok: true, value: { canceled: true } });
    expect(await t.secrets.list()).toEqual([]);
  });

  it('a malformed .conf is refused with its line, stores nothing, and never quotes a key', async () => {
    const t = setup();
    const desktop = generateKeyPair();
    const file = path.join(t.home, 'bad.conf');
    fs.writeFileSync(file, `[Interface]\nPrivateKey = ${desktop.privateKey}\nAddress = 10.0.0.1/24\n\n[Peer]\nPublicKey = ${desktop.privateKey.slice(0, 40)}\nAllowedIPs = 10.0.0.2/32\n`);
    t.chosen.file = file;
    const r = await t.call('tunnel:importConf');
    const err = ErrorEnvelopeSchema.parse((r as { error: unknown }).error);
    expect(err.message).toMatch(/bad\.conf: line 6: PublicKey is not a WireGuard key/);
    expect(JSON.stringify(err)).not.toContain(desktop.privateKey.slice(0, 40));
    expect(await t.secrets.list()).toEqual([]);
  });

  it('an oversized file is refused', async () => {
    const t = setup();
    const file = path.join(t.home, 'huge.conf');
    fs.writeFileSync(file, `# ${'x'.repeat(70_000)}\n`);
    t.chosen.file = file;
    const err = ErrorEnvelopeSchema.parse(((await t.call('tunnel:importConf')) as { error: unknown }).error);
    expect(err.message).toContain('larger than 65536 bytes');
  });

  it('the [Peer] block: shown without the preshared key, copied by main with it', async () => {
    const t = setup();
    const desktop = generateKeyPair();
    const psk = generatePresharedKey();
    t.chosen.file = desktopConf(t.home, desktop.privateKey, generateKeyPair().publicKey, psk);
    await t.call('tunnel:importConf');
    const shown = (await t.call('tunnel:peerBlock')) as { ok: true; value: { text: string; presharedKeyOmitted: boolean; qr: { size: number; rows: string[] } } };
    expect(shown.value.text).toContain(`PublicKey = ${desktop.publicKey}`);
    expect(shown.value.text).toContain('AllowedIPs = 10.0.0.1/32');
    expect(shown.value.text).not.toContain(psk);
    expect(shown.value.presharedKeyOmitted).toBe(true);
    expect(shown.value.qr).toEqual(qrRows(shown.value.text));
    const copied = await t.call('tunnel:copyPeerBlock');
    expect(copied).toEqual({ ok: true, value: { copied: true, presharedKeyIncluded: true } });
    expect(t.clipboard.at(-1)).toContain(`PresharedKey = ${psk}`);
    await t.call('tunnel:copyPublicKey');
    expect(t.clipboard.at(-1)).toBe(desktop.publicKey);
  });

  it('saves settings all or nothing, with the schema\'s messages per field', async () => {
    const t = setup();
    const bad = await t.call('settings:save', { section: 'tunnel', values: { endpoint: 'vps.example.org:51820', keepalive: 70000 } });
    const err = ErrorEnvelopeSchema.parse((bad as { error: unknown }).error);
    expect(err.issues.map((i) => i.path)).toEqual(['tunnel.keepalive']);
    expect(t.config.load().tunnel.endpoint).toBe('');
    const good = await t.call('settings:save', { section: 'postgres', values: { host: '10.0.0.2', port: 5433, database: 'jett_prod', user: 'jett' } });
    expect(good.ok).toBe(true);
    expect(t.config.load().postgres).toEqual({ host: '10.0.0.2', port: 5433, database: 'jett_prod', user: 'jett' });
  });

  it("saves hands-free's wake word and threshold from the window, refused with the schema's messages when wrong", async () => {
    const t = setup();
    const bad = await t.call('settings:save', { section: 'voice', values: { activation: 'handsFree', wakeWord: 'hey_siri', wakeThreshold: 1.5 } });
    const err = ErrorEnvelopeSchema.parse((bad as { error: unknown }).error);
    expect(err.issues.map((i) => i.path).sort()).toEqual(['voice.wakeThreshold', 'voice.wakeWord']);
    expect(err.issues.find((i) => i.path === 'voice.wakeThreshold')?.message).toBe('at most 1: scores never exceed 1');
    expect(t.config.load().voice).toMatchObject({ activation: 'hotkey', wakeWord: 'hey_jarvis', wakeThreshold: 0.5 });
    const good = await t.call('settings:save', { section: 'voice', values: { activation: 'handsFree', wakeWord: 'alexa', wakeThreshold: 0.6 } });
    expect(good.ok).toBe(true);
    expect(t.config.load().voice).toMatchObject({ activation: 'handsFree', wakeWord: 'alexa', wakeThreshold: 0.6 });
  });

  it('never replies with a secret, on any channel', async () => {
    const t = setup();
    const desktop = generateKeyPair();
    const psk = generatePresharedKey();
    const password = 'correct horse battery staple';
    t.chosen.file = desktopConf(t.home, desktop.privateKey, generateKeyPair().publicKey, psk);
    const replies: unknown[] = [];
    replies.push(await t.call('tunnel:importConf'));
    replies.push(await t.call('secret:set', { name: 'postgres.password', value: password }));
    replies.push(await t.call('secret:set', { name: 'heartbeat.token', value: 'hb-token-123456' }));
    const args: Partial<Record<InvokeChannel, unknown>> = {
      'settings:save': { section: 'voice', values: { silenceMs: 400 } },
      'secret:clear': { name: 'n8n.apiKey' },
      'tunnel:generateKeys': { replace: false },
      'models:pull': { kind: 'ollama', name: 'llama3.2:3b' },
      'links:open': { target: 'n8n' },
      'setup:vpsPeer': { text: 'not what install.sh printed' },
    };
    for (const channel of Object.keys(INVOKE_CHANNELS) as InvokeChannel[]) {
      if (channel === 'tunnel:importConf' || channel === 'secret:set') continue;
      replies.push(await t.call(channel, args[channel]));
    }
    const all = JSON.stringify(replies);
    for (const secret of [desktop.privateKey, psk, password, 'hb-token-123456']) expect(all).not.toContain(secret);
    expect(all).toContain('"storedSecrets":["tunnel.privateKey","tunnel.presharedKey","postgres.password","heartbeat.token"]');
  });

  it('refuses to set the tunnel keys as plain secrets from the window', async () => {
    const t = setup();
    const r = await t.call('secret:set', { name: 'tunnel.privateKey', value: generateKeyPair().privateKey });
    expect(r.ok).toBe(false);
    expect(await t.secrets.list()).toEqual([]);
  });
});

describe('qrRows', () => {
  it('draws a square QR code with its three finder patterns', () => {
    const { size, rows } = qrRows('[Peer]\nPublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=\nAllowedIPs = 10.0.0.1/32\n');
    expect(rows).toHaveLength(size);
    expect(size).toBeGreaterThanOrEqual(21);
    for (const [x, y] of [[0, 0], [size - 7, 0], [0, size - 7]] as const) {
      expect(rows[y]!.slice(x, x + 7)).toBe('1111111');
      expect(rows[y + 1]!.slice(x, x + 7)).toBe('1000001');
      expect(rows[y + 2]!.slice(x, x + 7)).toBe('1011101');
    }
  });
});
