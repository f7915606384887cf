// Gathers what the checklist judges (checklist.ts): from config, the secret store (names only), the setup record,
// the agent's status, the models view and WireGuard's programs. Every probe is read-only.
import nodeFs from 'node:fs';
import type { Config } from '../contracts/config.js';
import type { ModelsView } from '../contracts/ipc.js';
import type { StatusSnapshot } from '../contracts/status.js';
import { holdsModel } from '../ollama/server.js';
import type { SecretStore } from '../secrets/store.js';
import { LINUX_HELPER_PATH } from '../tunnel/control.js';
import { desktopKeys } from '../tunnel/desktop-keys.js';
import { fingerprint } from '../tunnel/keys.js';
import { LINUX_PRIVILEGED_COMMAND, type Problem, type SetupFacts } from './checklist.js';
import { setupFingerprint, type SetupRecord } from './record.js';
import type { SetupStepId } from '../contracts/setup.js';

export interface FactSources {
  platform: NodeJS.Platform;
  config: Config;
  secrets: SecretStore;
  record: SetupRecord;
  wireguard: SetupFacts['wireguard'];
  tunnel: StatusSnapshot['tunnel'] | { state: string; reason: string };
  models: ModelsView;
  /** Linux: whether Jett's tunnel helper is installed (a setup made from a terminal; default: its file exists). */
  helperInstalled?: () => boolean;
  errors: Partial<Record<SetupStepId, Problem>>;
}

function privileged(s: FactSources, publicKey: string | null): SetupFacts['privileged'] {
  const current = publicKey ? setupFingerprint(s.config.tunnel, publicKey) : null;
  if (current && s.record.privilegedFor === current) return { state: 'done', detail: 'set up for these keys and this VPS peer' };
  if (s.record.privilegedFor) return { state: 'stale', detail: 'set up for other keys or another VPS peer: set it up again so the tunnel uses the saved ones' };
  if (s.platform !== 'win32' && (s.helperInstalled ?? (() => nodeFs.existsSync(LINUX_HELPER_PATH)))()) {
    return { state: 'done', detail: `installed from a terminal (${LINUX_HELPER_PATH}); after new keys or a new peer, run it again: ${LINUX_PRIVILEGED_COMMAND}` };
  }
  return {
    state: 'todo',
    detail: s.platform === 'win32' ? 'Windows asks for an administrator once, installs the tunnel service and lets you start it' : `not set up; the same as \`${LINUX_PRIVILEGED_COMMAND}\``,
  };
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
    privileged: privileged(s, keys?.publicKey ?? null),
    tunnel: { state: s.tunnel.state, reason: s.tunnel.reason },
    audit: s.record.audit,
    models: speech(s.config, s.models),
    ollama: s.models.error === null ? { running: true, model, present: holdsModel(s.models.models.map((m) => m.name), model) } : { running: false, model, error: s.models.error },
    errors: s.errors,
  };
}
