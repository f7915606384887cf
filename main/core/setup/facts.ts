// Gathers what the checklist judges (checklist.ts): from config, the secret store (names only), the setup record,
// the agent's status (its tunnel, voice and installed-tunnel comparison), the models view and WireGuard's programs.
// Every probe is read-only.
import type { Config } from '../contracts/config.js';
import type { ModelsView } from '../contracts/ipc.js';
import type { StatusSnapshot, TunnelSetupStatus } from '../contracts/status.js';
import { holdsModel } from '../ollama/server.js';
import type { SecretStore } from '../secrets/store.js';
import { desktopKeys } from '../tunnel/desktop-keys.js';
import { fingerprint } from '../tunnel/keys.js';
import { LINUX_PRIVILEGED_COMMAND, type Problem, type SetupFacts } from './checklist.js';
import type { SetupRecord } from './record.js';
import type { SetupStepId } from '../contracts/setup.js';

export interface FactSources {
  platform: NodeJS.Platform;
  config: Config;
  secrets: SecretStore;
  record: SetupRecord;
  wireguard: SetupFacts['wireguard'];
  /** The agent's status: its tunnel, its voice service and (not root) whether the installed tunnel matches. */
  status: Pick<StatusSnapshot, 'tunnel' | 'voice' | 'setup'>;
  /**
   * The agent's `tunnelSetup` (tunnel/installed-setup.ts), the one record of what the privileged setup was made
   * for; null when there is nothing to compare (the tunnel not configured, or managed directly).
   */
  tunnelSetup: TunnelSetupStatus | null;
  /** Root on Linux (or JETT_TUNNEL_CONTROL=direct): the agent runs wg-quick itself from the saved settings. */
  managesTunnelDirectly: boolean;
  models: ModelsView;
  errors: Partial<Record<SetupStepId, Problem>>;
}

function privileged(s: FactSources, configured: boolean): SetupFacts['privileged'] {
  if (s.managesTunnelDirectly) {
    // Root on Linux: the agent brings the tunnel up with wg-quick from the saved settings at every connect, so no
    // installed copy exists to fall behind them and there is nothing to install. "Done" here means only that the keys
    // and the peer exist (the step waits for them before); the agent's status has no tunnelSetup either, so the tray,
    // `jett status` and this step all show nothing to run.
    return configured
      ? { state: 'done', detail: 'nothing to install: Jett runs as root here and brings the tunnel up from the saved settings itself' }
      : { state: 'todo', detail: 'Jett runs as root here: once the keys and the peer are saved, it brings the tunnel up itself' };
  }
  const t = s.tunnelSetup;
  if (t?.state === 'current') return { state: 'done', detail: t.message };
  if (t?.state === 'outdated') return { state: 'stale', detail: `${t.message}; ${t.fix ?? ''}` };
  const how = s.platform === 'win32' ? 'Windows asks for an administrator once, installs the tunnel service and lets you start it' : `not set up; the same as \`${LINUX_PRIVILEGED_COMMAND}\``;
  return { state: 'todo', detail: t ? `${how} (${t.message})` : how };
}

function speech(config: Config, models: ModelsView): SetupFacts['models'] {
  if (models.speech.error) return { error: models.speech.error };
  const wanted = [config.models.stt, config.models.tts].filter((n) => n !== '');
  const installed = new Set(models.speech.models.filter((m) => m.state === 'installed').map((m) => m.name));
  return { missing: wanted.filter((n) => !installed.has(n)), installed: wanted.filter((n) => installed.has(n)) };
}

export async function gatherFacts(s: FactSources): Promise<SetupFacts> {
  const keys = await desktopKeys(s.secrets);
  const stored = new Set(await s.secrets.list());
  const t = s.config.tunnel;
  const model = s.config.ollama.model;
  return {
    platform: s.platform,
    wireguard: s.wireguard,
    keys: keys && { fingerprint: keys.fingerprint },
    bundle: { dir: s.record.bundleDir, secretsStored: stored.has('postgres.password') && stored.has('heartbeat.token') },
    peer: t.peerPublicKey && t.endpoint ? { fingerprint: fingerprint(t.peerPublicKey), endpoint: t.endpoint } : null,
    privileged: privileged(s, keys !== null && t.peerPublicKey !== '' && t.endpoint !== ''),
    tunnel: { state: s.status.tunnel.state, reason: s.status.tunnel.reason },
    audit: s.record.audit,
    models: speech(s.config, s.models),
    ollama: s.models.error === null ? { running: true, model, present: holdsModel(s.models.models.map((m) => m.name), model) } : { running: false, model, error: s.models.error },
    voice: {
      // An agent too old to report its services' setup (or none running) counts as not configured, with its reason.
      configured: s.status.setup?.voice.configured ?? false,
      reason: s.status.setup?.voice.reason ?? s.status.tunnel.reason,
      next: s.status.setup?.voice.next ?? null,
      running: s.status.voice.state !== 'off',
      firstTurn: s.record.voiceTurn,
    },
    errors: s.errors,
  };
}
