// What main answers on each channel of the IPC contract. Everything here runs after register.ts has checked the
// sender and the argument; replies carry public data only (the contract's strict schemas enforce it again).
import type { Config } from '../../core/contracts/config.js';
import { errorMessage } from '../../core/contracts/errors.js';
import type { SecretName } from '../../core/contracts/secrets.js';
import type { ExternalTarget, ModelProgress, SettingsView, StatusView } from '../../core/contracts/ipc.js';
import type { UninstallResult } from '../../core/contracts/uninstall.js';
import { ConfigService } from '../../core/config/service.js';
import type { ConfigStore } from '../../core/config/store.js';
import type { ConfigValues } from '../../core/config/values.js';
import { JettError } from '../../core/errors.js';
import type { SecretStore } from '../../core/secrets/store.js';
import { TunnelConfigError } from '../../core/tunnel/errors.js';
import { KOKORO_VOICES } from '../../core/voice/models/kokoro-voices.js';
import type { AgentHandle } from '../agent-handle.js';
import type { MicTestService } from '../capture/mic-test.js';
import type { ModelService } from '../models.js';
import type { OpenResult } from '../security/open-external.js';
import type { SetupService } from '../setup/service.js';
import { generateKeys, importConf, keysView, peerBlocks, qrRows } from '../tunnel-settings.js';
import type { Handlers } from './register.js';

export interface HandlerDeps {
  config: ConfigStore;
  secrets: SecretStore;
  /** Which runner reads this store, in words. */
  secretStoreNote: string;
  agent: AgentHandle;
  statusView(): Promise<StatusView>;
  /** After a save: rebind the hotkey, refresh the tray. */
  onConfigChanged(config: Config): void;
  /** Shows the OS file dialog; the chosen path or null. */
  chooseConfFile(): Promise<string | null>;
  readConfFile(path: string): Promise<string>;
  writeClipboard(text: string): void;
  openLink(target: ExternalTarget): Promise<OpenResult>;
  models: ModelService;
  sendModelProgress(progress: ModelProgress): void;
  /** Windows: runs the tunnel setup elevated through UAC (main/app/tunnel-setup.ts); throws when it did not happen. */
  setupTunnel(): Promise<void>;
  /** Stops this app's agent and removes Jett from the computer (main/app/uninstall.ts). */
  uninstall(deleteData: boolean): Promise<UninstallResult>;
  /** The first-run checklist and its actions (main/app/setup/service.ts). */
  setup: SetupService;
  /** The microphone screen's device list and test (main/app/capture/mic-test.ts). */
  microphone: Pick<MicTestService, 'microphones' | 'test' | 'stop'>;
}

export function createHandlers(deps: HandlerDeps): Handlers {
  const settingsView = async (): Promise<SettingsView> => ({
    config: deps.config.load(),
    storedSecrets: await deps.secrets.list(),
    secretStore: { kind: deps.secrets.kind, location: deps.secrets.location, note: deps.secretStoreNote },
    keys: await keysView(deps.secrets),
  });
  const tunnelDeps = { secrets: deps.secrets, config: deps.config };
  /**
   * The agent (in this process, or attached) takes the saved settings and rebuilds what changed; the reply says
   * when the installed tunnel setup must run again, so the window asks for it once, now.
   */
  const saved = async (secrets: SecretName[] = []): Promise<SettingsView> => {
    let needsTunnelSetup: boolean;
    try {
      ({ needsTunnelSetup } = await deps.agent.reloadConfig(secrets));
    } catch (err) {
      throw new JettError(`saved, but the running agent did not take the change: ${errorMessage(err)}`, 'restart Jett (or `jett agent`) to apply it');
    }
    deps.onConfigChanged(deps.config.load());
    return { ...(await settingsView()), ...(needsTunnelSetup ? { needsTunnelSetup: true as const } : {}) };
  };
  const TUNNEL_KEYS: SecretName[] = ['tunnel.privateKey', 'tunnel.presharedKey'];
  return {
    'status:get': () => deps.statusView(),
    'settings:get': settingsView,
    'settings:save': async ({ section, values }) => {
      const dotted: ConfigValues = {};
      for (const [key, value] of Object.entries(values)) dotted[`${section}.${key}`] = value;
      // All or nothing; the agent, in this process or attached, then reads the file and rebuilds what changed.
      new ConfigService(deps.config).setValues(dotted);
      return saved();
    },
    'secret:set': async ({ name, value }) => {
      await deps.secrets.set(name, value);
      return saved([name]);
    },
    'secret:clear': async ({ name }) => {
      await deps.secrets.delete(name);
      return saved([name]);
    },
    'tunnel:generateKeys': async ({ replace }) => {
      await generateKeys(tunnelDeps, replace);
      return saved(TUNNEL_KEYS);
    },
    'tunnel:importConf': async () => {
      const file = await deps.chooseConfFile();
      if (file === null) return { canceled: true as const };
      const imported = await importConf(tunnelDeps, file, await deps.readConfFile(file));
      return { canceled: false as const, imported, settings: await saved(TUNNEL_KEYS) };
    },
    'tunnel:peerBlock': async () => {
      const blocks = await peerBlocks(tunnelDeps);
      return { text: blocks.shown, presharedKeyOmitted: blocks.presharedKeyOmitted, qr: qrRows(blocks.shown) };
    },
    'tunnel:copyPublicKey': async () => {
      const keys = await keysView(deps.secrets);
      if (!keys) throw new TunnelConfigError('there are no tunnel keys yet', 'generate keys or import a .conf first');
      deps.writeClipboard(keys.publicKey);
      return { copied: true as const };
    },
    'tunnel:copyPeerBlock': async () => {
      const blocks = await peerBlocks(tunnelDeps);
      deps.writeClipboard(blocks.full);
      return { copied: true as const, presharedKeyIncluded: blocks.presharedKeyOmitted };
    },
    'tunnel:up': async () => {
      await deps.agent.tunnelUp();
      return deps.statusView();
    },
    'tunnel:down': async () => {
      await deps.agent.tunnelDown();
      return deps.statusView();
    },
    'tunnel:setup': async () => {
      await deps.setupTunnel();
      // The status compares the installed setup with the settings again.
      await deps.agent.reloadConfig(TUNNEL_KEYS);
      return { signInAgain: true as const };
    },
    'voice:toggle': async () => {
      await deps.agent.voiceToggle();
      return deps.statusView();
    },
    'voice:history': (query) => deps.agent.voiceHistory(query),
    'voice:historyDelete': (what) => deps.agent.deleteVoiceHistory(what),
    'memory:list': (query) => deps.agent.memoryList(query),
    'memory:forget': (what) => deps.agent.memoryForget(what),
    'voice:choices': async () => ({ devices: await deps.agent.voiceDevices(), voices: [...KOKORO_VOICES] }),
    'voice:microphones': () => deps.microphone.microphones(),
    'voice:micTest': ({ deviceId }) => deps.microphone.test(deviceId),
    'voice:micTestStop': async () => ({ stopped: deps.microphone.stop() }),
    'models:list': () => deps.models.list(),
    'models:pull': async ({ kind, name }) => {
      // A running voice service reads the models folder only when it is built: a speech model pulled now reaches it
      // through the agent (rebuilt before the window hears "done", so its next status is already the new one).
      const progress = (p: ModelProgress): void => {
        if (kind !== 'speech' || !p.done || p.error !== null) return deps.sendModelProgress(p);
        deps.agent.reloadConfig([], ['speechModels']).then(
          () => deps.sendModelProgress(p),
          (err: unknown) => deps.sendModelProgress({ ...p, error: `pulled, but the running agent did not take it: ${errorMessage(err)}; restart Jett to use it` }),
        );
      };
      void deps.models.pull(kind, name, progress);
      return { started: true as const };
    },
    'links:open': ({ target }) => deps.openLink(target),
    'app:uninstall': ({ deleteData }) => deps.uninstall(deleteData),
    'setup:get': () => deps.setup.view(),
    'setup:vpsBundle': () => deps.setup.vpsBundle(),
    'setup:vpsPeer': ({ text }) => deps.setup.vpsPeer(text),
    'setup:privileged': () => deps.setup.privileged(),
    'setup:auditLive': () => deps.setup.auditLive(),
  };
}
