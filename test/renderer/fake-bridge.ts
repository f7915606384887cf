// A fake of preload's window.jett for the renderer tests: it implements the IPC contract in the browser, checking
// every argument and reply with the same zod schemas main uses, and lets a test drive it through window.__fake.
import '../../renderer/src/zod-csp.js';
import QRCode from 'qrcode';
import { ConfigSchema, type Config } from '../../main/core/contracts/config.js';
import {
  INVOKE_CHANNELS,
  type InvokeChannel,
  type IpcReply,
  type JettApi,
  type ModelProgress,
  type ModelsView,
  type SettingsView,
  type StatusView,
  type TunnelKeysView,
  type VoiceChoices,
} from '../../main/core/contracts/ipc.js';
import type { ErrorCode } from '../../main/core/contracts/errors.js';
import type { SecretName } from '../../main/core/contracts/secrets.js';
import type { SetupView } from '../../main/core/contracts/setup.js';
import { LINUX_PRIVILEGED_COMMAND, setupChecklist } from '../../main/core/setup/checklist.js';
// Brings in the renderer's declaration of window.jett, which this fake sets.
import type {} from '../../renderer/src/bridge.js';

/** What a test can steer. */
export interface FakeControls {
  calls: Array<{ channel: InvokeChannel; arg: unknown }>;
  /** The file and public fields the next "Import a .conf" returns, as if chosen in the dialog and parsed in main. */
  nextImport: { file: string; address: string; peerPublicKey: string; peerAddress: string; endpoint: string; keepalive: number | null } | null;
  pushStatus(change: { tunnel?: Partial<StatusView['snapshot']['tunnel']>; outbox?: Partial<StatusView['snapshot']['outbox']>; heartbeat?: StatusView['snapshot']['heartbeat']; voice?: StatusView['snapshot']['voice']; setup?: StatusView['snapshot']['setup']; turnMs?: number | null }): void;
  setHotkey(h: StatusView['hotkey']): void;
  emitProgress(p: ModelProgress): void;
  models: ModelsView;
  clipboard: string;
  /** Not root: tunnel saves from now on leave the installed setup behind (main answers needsTunnelSetup, the status says so). */
  installedSetup: boolean;
  /** The speech models, Ollama and the agent's voice are ready: the checklist offers its voice turn. */
  voiceReady: boolean;
  /** What the agent answers for the voice fields' choices (the real-bridge history test covers the history). */
  voiceChoices: VoiceChoices;
}

declare global {
  interface Window {
    __fake: FakeControls;
  }
}

// Public keys of fixed test key pairs (never a private key: the fake has none to leak).
const KEYS = ['xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=', 'HIgo9xNzJMWLKASShiTqIybxZ0U3wGLiUeJ1PKf8ykw='];

let config: Config = ConfigSchema.parse({});
let keys: TunnelKeysView | null = null;
let keyIndex = 0;
const secrets = new Set<SecretName>();
let status: StatusView = {
  snapshot: {
    agent: { pid: 4242, version: '0.1.0', startedAt: '2026-11-27T09:00:00.000Z' },
    tunnel: { state: 'down', reason: 'not started', handshakeAgeS: null, rxBytes: null, txBytes: null, probeRttMs: null, endpoint: null },
    outbox: { pending: 0, oldestPendingAgeS: null, dead: 0, lastSuccessAt: null },
    inbox: { pending: 0 },
    heartbeat: { lastSentAt: null, failures: 0 },
    voice: { state: 'idle' },
  },
  hotkey: { accelerator: 'Ctrl+Alt+J', registered: true, error: null },
  turns: [],
};
const statusListeners = new Set<(s: StatusView) => void>();
const progressListeners = new Set<(p: ModelProgress) => void>();

function settingsView(): SettingsView {
  return {
    config,
    storedSecrets: [...secrets],
    secretStore: { kind: 'safeStorage', location: '/home/user/.config/Jett/secrets.safe.json', note: 'This app keeps secrets encrypted by the operating system (safeStorage). The headless agent (jett agent) cannot read them.' },
    keys,
  };
}

function failure(code: ErrorCode, name: string, message: string, fix: string, issues: Array<{ path: string; message: string }> = []): IpcReply<never> {
  return { ok: false, error: { code, name, message, fix, issues } };
}

/** Validates like register.ts does: argument in, reply out, both through the contract. */
async function call<C extends InvokeChannel>(channel: C, arg: unknown, run: () => unknown | Promise<unknown>): Promise<IpcReply<never>> {
  window.__fake.calls.push({ channel, arg });
  const contract = INVOKE_CHANNELS[channel];
  const parsed = contract.args.safeParse(arg);
  if (!parsed.success) return failure('invalid-params', 'IpcError', `${channel}: invalid argument`, 'correct the highlighted fields', parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  try {
    const value = await run();
    if (value && typeof value === 'object' && 'ok' in value) return value as IpcReply<never>;
    return { ok: true, value: contract.result.parse(value) as never };
  } catch (err) {
    return failure('failed', 'Error', (err as Error).message, 'see the test');
  }
}

/** The checklist from the fake's state, through the core's own pure checklist (real checks: test/renderer/setup.test.ts). */
function setupView(): SetupView {
  const t = config.tunnel;
  return setupChecklist({
    platform: 'linux',
    wireguard: { found: true, where: '/usr/bin/wg-quick with /usr/bin/wireguard-go' },
    keys: keys && { fingerprint: keys.fingerprint },
    bundle: { dir: null, secretsStored: secrets.has('postgres.password') && secrets.has('heartbeat.token') },
    peer: t.peerPublicKey && t.endpoint ? { fingerprint: '8c1e-0b7d-22fa-9e40', endpoint: t.endpoint } : null,
    privileged: { state: 'todo', detail: 'not set up' },
    tunnel: status.snapshot.tunnel,
    audit: null,
    ...(window.__fake.voiceReady
      ? {
          models: { missing: [], installed: ['whisper-base'] },
          ollama: { running: true as const, model: config.ollama.model, present: true },
          voice: { configured: true, reason: 'whisper-base installed', next: null, running: true, firstTurn: null },
        }
      : {
          models: { missing: ['whisper-base'], installed: [] },
          ollama: { running: false as const, model: config.ollama.model, error: 'Ollama is not running' },
          voice: { configured: false, reason: 'no speech-to-text model installed', next: 'Models tab', running: false, firstTurn: null },
        }),
    errors: {},
  });
}

function emitStatus(): void {
  for (const l of statusListeners) l(structuredClone(status));
}

const api: JettApi = {
  status: {
    get: () => call('status:get', undefined, () => status),
    onChange: (listener) => {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
  },
  settings: {
    get: () => call('settings:get', undefined, settingsView),
    save: (section, values) =>
      call('settings:save', { section, values }, () => {
        const merged = { ...config, [section]: { ...config[section], ...values } };
        const result = ConfigSchema.safeParse(merged);
        if (!result.success) {
          const issues = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
          return failure('invalid-params', 'IpcError', `settings not saved: ${issues[0]!.path}: ${issues[0]!.message}`, 'correct the highlighted fields and save again', issues);
        }
        config = result.data;
        if (section === 'tunnel' && window.__fake.installedSetup) {
          const fix = 'run the tunnel setup again: `jett tunnel install --elevate` (or Settings > Tunnel > Set up the tunnel)';
          status = { ...status, snapshot: { ...status.snapshot, tunnelSetup: { state: 'outdated', message: 'the running tunnel uses older settings (set up 2026-11-27T09:00:00.000Z): a key, the peer or the endpoint changed since', fix } } };
          emitStatus();
          return { ...settingsView(), needsTunnelSetup: true as const };
        }
        if (section === 'voice') status = { ...status, hotkey: { accelerator: config.voice.hotkey, registered: true, error: null } };
        return settingsView();
      }),
    setSecret: (name, value) =>
      call('secret:set', { name, value }, () => {
        secrets.add(name);
        return settingsView();
      }),
    clearSecret: (name) =>
      call('secret:clear', { name }, () => {
        secrets.delete(name);
        return settingsView();
      }),
  },
  tunnel: {
    generateKeys: (replace) =>
      call('tunnel:generateKeys', { replace }, () => {
        if (keys && !replace) return failure('failed', 'TunnelConfigError', 'a private key is already stored', 'choose "Replace keys" if you mean it');
        const publicKey = KEYS[keyIndex++ % KEYS.length]!;
        keys = { publicKey, fingerprint: keyIndex === 1 ? '3f2a-91c0-7be4-d812' : '8c1e-0b7d-22fa-9e40', privateKeyStored: true, presharedKeyStored: false };
        secrets.add('tunnel.privateKey');
        return settingsView();
      }),
    importConf: () =>
      call('tunnel:importConf', undefined, () => {
        const chosen = window.__fake.nextImport;
        if (!chosen) return { canceled: true };
        config = ConfigSchema.parse({ ...config, tunnel: { ...config.tunnel, address: chosen.address, peerPublicKey: chosen.peerPublicKey, peerAddress: chosen.peerAddress, endpoint: chosen.endpoint, keepalive: chosen.keepalive ?? config.tunnel.keepalive } });
        keys = { publicKey: KEYS[1]!, fingerprint: '8c1e-0b7d-22fa-9e40', privateKeyStored: true, presharedKeyStored: true };
        secrets.add('tunnel.privateKey');
        secrets.add('tunnel.presharedKey');
        return { canceled: false, imported: { ...chosen, warnings: [] }, settings: settingsView() };
      }),
    peerBlock: () =>
      call('tunnel:peerBlock', undefined, () => {
        if (!keys) return failure('failed', 'TunnelConfigError', 'there are no tunnel keys yet', 'generate keys first');
        const text = `# Jett desktop\n[Peer]\nPublicKey = ${keys.publicKey}\nAllowedIPs = ${config.tunnel.address.split('/')[0]}/32\n`;
        // The same package and settings main uses (tunnel-settings.ts), so the picture is a real, scannable code.
        const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
        const size = qr.modules.size;
        const rows = Array.from({ length: size }, (_, y) => Array.from({ length: size }, (_, x) => (qr.modules.get(y, x) ? '1' : '0')).join(''));
        return { text, presharedKeyOmitted: keys.presharedKeyStored, qr: { size, rows } };
      }),
    copyPublicKey: () =>
      call('tunnel:copyPublicKey', undefined, () => {
        window.__fake.clipboard = keys?.publicKey ?? '';
        return { copied: true };
      }),
    copyPeerBlock: () => call('tunnel:copyPeerBlock', undefined, () => ({ copied: true, presharedKeyIncluded: keys?.presharedKeyStored ?? false })),
    up: () =>
      call('tunnel:up', undefined, () => {
        status = { ...status, snapshot: { ...status.snapshot, tunnel: { ...status.snapshot.tunnel, state: 'connecting', reason: 'waiting for the first handshake' } } };
        return status;
      }),
    down: () =>
      call('tunnel:down', undefined, () => {
        status = { ...status, snapshot: { ...status.snapshot, tunnel: { ...status.snapshot.tunnel, state: 'down', reason: 'stopped by the user' } } };
        return status;
      }),
    setup: () => call('tunnel:setup', undefined, () => ({ signInAgain: true })),
  },
  voice: {
    toggle: () => call('voice:toggle', undefined, () => status),
    history: (query) => call('voice:history', query, () => []),
    deleteHistory: (what) => call('voice:historyDelete', what, () => failure('failed', 'Error', 'the fake bridge keeps no history', 'use the real-bridge history test')),
    choices: () => call('voice:choices', undefined, () => window.__fake.voiceChoices),
    // The microphone screen runs over the real capture page in its own test (test/renderer/microphone.test.ts).
    microphones: () => call('voice:microphones', undefined, () => ({ devices: [{ deviceId: 'default', label: 'Default' }], selected: '', selectedMissing: false, capture: 'app' })),
    micTest: (deviceId) => call('voice:micTest', { deviceId }, () => failure('failed', 'Error', 'the fake bridge has no microphone', 'use the real-bridge microphone test')),
    micTestStop: () => call('voice:micTestStop', undefined, () => ({ stopped: false })),
    onMicLevel: () => () => {},
  },
  memory: {
    list: (query) => call('memory:list', query, () => ({ items: [], search: { ready: true, model: 'all-minilm-l6-v2', reason: null } })),
    forget: (what) => call('memory:forget', what, () => failure('failed', 'Error', 'the fake bridge keeps no memory', 'use the real-bridge memory test')),
  },
  models: {
    list: () => call('models:list', undefined, () => window.__fake.models),
    pull: (kind, name) => call('models:pull', { kind, name }, () => ({ started: true })),
    onProgress: (listener) => {
      progressListeners.add(listener);
      return () => progressListeners.delete(listener);
    },
  },
  links: {
    open: (target) =>
      call('links:open', { target }, () =>
        ['up', 'degraded'].includes(status.snapshot.tunnel.state)
          ? { opened: true, reason: null }
          : { opened: false, reason: `${target} is reachable only through the tunnel, which is not up` },
      ),
  },
  app: {
    uninstall: (deleteData) =>
      call('app:uninstall', { deleteData }, () => ({
        home: '/home/user/.config/Jett',
        removed: ['/home/user/.config/autostart/jett.desktop', 'Secret Service, service "Jett 0123456789ab": tunnel.privateKey', ...(deleteData ? ['/home/user/.config/Jett'] : [])],
        left: [{ what: 'the tunnel helper /usr/local/libexec/jett-tunnel, its sudoers line /etc/sudoers.d/jett-tunnel and /etc/wireguard/jett0.conf', fix: 'they need root to remove: run `sudo jett tunnel uninstall --interface jett0` (it removes only the files Jett wrote)' }],
        dataKept: !deleteData,
      })),
  },
  setup: {
    get: () => call('setup:get', undefined, setupView),
    vpsBundle: () => call('setup:vpsBundle', undefined, () => ({ canceled: true, view: setupView() })),
    vpsPeer: (text) => call('setup:vpsPeer', { text }, () => failure('failed', 'VpsPeerTextError', 'the fake bridge takes no peer', 'use the real-bridge test')),
    privileged: () => call('setup:privileged', undefined, () => ({ outcome: 'manual', command: LINUX_PRIVILEGED_COMMAND, view: setupView() })),
    auditLive: () => call('setup:auditLive', undefined, () => failure('failed', 'Error', 'the fake bridge has no VPS', 'use the real-bridge test')),
  },
};

window.__fake = {
  calls: [],
  nextImport: null,
  installedSetup: false,
  voiceReady: false,
  voiceChoices: { devices: { supported: true, devices: [{ name: 'default', description: 'Default ALSA device' }], note: null }, voices: ['af_heart', 'am_michael', 'bf_emma'] },
  clipboard: '',
  models: { models: [], error: null, speech: { dir: '/home/user/.config/Jett/models', models: [], error: null } },
  pushStatus(change) {
    const s = status.snapshot;
    status = {
      ...status,
      snapshot: { ...s, tunnel: { ...s.tunnel, ...change.tunnel }, outbox: { ...s.outbox, ...change.outbox }, heartbeat: change.heartbeat ?? s.heartbeat, voice: change.voice ?? s.voice, ...(change.setup ? { setup: change.setup } : {}) },
      turns: change.turnMs !== undefined ? [...status.turns, { at: new Date().toISOString(), speechEndToAudioMs: change.turnMs }].slice(-20) : status.turns,
    };
    emitStatus();
  },
  setHotkey(h) {
    status = { ...status, hotkey: h };
    emitStatus();
  },
  emitProgress(p) {
    for (const l of progressListeners) l(p);
  },
};

window.jett = Object.freeze(api);
