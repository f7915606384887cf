// The first-run checklist as a pure function of what was found (facts.ts gathers it): each step's state, why, and
// its one action. Steps that need an earlier one say which ("blocked"), so the user sees the root cause only; a step
// whose cause is outside the list (voice the agent could not start) is blocked with that reason.
import type { SetupAction, SetupStep, SetupStepId, SetupView } from '../contracts/setup.js';
import { SETUP_STEP_IDS } from '../contracts/setup.js';

export const WIREGUARD_WINDOWS_INSTALLER = 'https://www.wireguard.com/install/';

/** The Linux command that hands the keys to root (root never reads the user's keyring). */
export const LINUX_PRIVILEGED_COMMAND = 'jett tunnel install --handoff | sudo jett tunnel install --secrets-stdin';

export type Problem = { message: string; fix: string };

export interface SetupFacts {
  platform: NodeJS.Platform;
  /** Found: where; missing: what and the way to get it (a command on Linux, the installer's page on Windows). */
  wireguard: { found: true; where: string } | { found: false; missing: string; install: { kind: 'command'; text: string } | { kind: 'link'; url: string } };
  keys: { fingerprint: string } | null;
  /** The folder the last bundle went to (this desktop's record), and whether both its secrets are in the store. */
  bundle: { dir: string | null; secretsStored: boolean };
  peer: { fingerprint: string; endpoint: string } | null;
  /** done: the privileged setup matches the current keys and peer; stale: it was made for other ones. */
  privileged: { state: 'done' | 'stale' | 'todo'; detail: string };
  /** The agent's tunnel state as its status names it (only "up" completes the step). */
  tunnel: { state: string; reason: string };
  audit: { at: string; passed: boolean; failed: string[] } | null;
  models: { missing: string[]; installed: string[] } | { error: string };
  ollama: { running: true; model: string; present: boolean } | { running: false; model: string; error: string };
  /** The agent's voice service (its status' setup.voice and voice.state), and the first answered turn if any. */
  voice: { configured: boolean; reason: string; next: string | null; running: boolean; firstTurn: { at: string; transcript: string } | null };
  /** The last failure of a step's action, shown on that step until it succeeds. */
  errors: Partial<Record<SetupStepId, Problem>>;
}

const TITLES: Record<SetupStepId, string> = {
  wireguard: 'WireGuard',
  keys: "This desktop's keys",
  bundle: 'The VPS bundle',
  peer: "The VPS's public key and address",
  privileged: 'The one-time tunnel setup',
  connect: 'Connect',
  audit: 'Audit the VPS (audit live)',
  models: 'Speech models',
  ollama: 'Ollama',
  voice: 'Try a voice turn',
};

/** Which step must be done before each one can be tried. */
const NEEDS: Partial<Record<SetupStepId, SetupStepId[]>> = {
  bundle: ['keys'],
  peer: ['bundle'],
  privileged: ['wireguard', 'keys', 'peer'],
  connect: ['privileged'],
  audit: ['connect'],
  voice: ['models', 'ollama'],
};

/** `waiting`: not done, and nothing to press until what it names is fixed (no earlier step of the list names it). */
type Own = { done: boolean; detail: string; action: SetupAction; waiting?: string };

function own(id: SetupStepId, f: SetupFacts): Own {
  switch (id) {
    case 'wireguard': {
      if (f.wireguard.found) return { done: true, detail: `found: ${f.wireguard.where}`, action: { kind: 'none' } };
      const install = f.wireguard.install;
      return {
        done: false,
        detail: `missing: ${f.wireguard.missing}`,
        action: install.kind === 'link' ? { kind: 'link', label: 'Install WireGuard for Windows, then check again', url: install.url } : { kind: 'command', label: 'Install the packages, then check again', text: install.text },
      };
    }
    case 'keys':
      return f.keys
        ? { done: true, detail: `fingerprint ${f.keys.fingerprint}; the private key stays in the secret store`, action: { kind: 'none' } }
        : { done: false, detail: 'no key pair yet (a .conf you already have can be imported on the Tunnel tab instead)', action: { kind: 'button', label: 'Generate keys' } };
    case 'bundle':
      if (f.bundle.secretsStored && f.bundle.dir) return { done: true, detail: `saved to ${f.bundle.dir}; copy it to the VPS and run \`sudo bash install.sh\` there`, action: { kind: 'button', label: 'Save again…' } };
      return { done: false, detail: f.bundle.secretsStored ? 'its secrets are stored; choose where to save the folder' : 'not made yet', action: { kind: 'button', label: 'Choose a folder and save the bundle…' } };
    case 'peer':
      return f.peer
        ? { done: true, detail: `VPS ${f.peer.fingerprint} at ${f.peer.endpoint}`, action: { kind: 'button', label: 'Paste again' } }
        : { done: false, detail: 'paste the line `install.sh` printed on the VPS (jett tunnel peer --public-key ... --endpoint ...)', action: { kind: 'button', label: 'Save the VPS peer' } };
    case 'privileged': {
      const action: SetupAction =
        f.platform === 'win32'
          ? { kind: 'button', label: 'Set up (asks for administrator rights)' }
          : f.privileged.state === 'done'
            ? { kind: 'none' }
            : { kind: 'button', label: 'Set up' };
      return { done: f.privileged.state === 'done', detail: f.privileged.detail, action };
    }
    case 'connect':
      return f.tunnel.state === 'up'
        ? { done: true, detail: 'the tunnel is up: the VPS answers through it', action: { kind: 'button', label: 'Check again' } }
        : { done: false, detail: `tunnel ${f.tunnel.state}: ${f.tunnel.reason}`, action: { kind: 'button', label: 'Connect' } };
    case 'audit':
      if (!f.audit) return { done: false, detail: 'not run yet', action: { kind: 'button', label: 'Run the audit' } };
      return f.audit.passed
        ? { done: true, detail: `passed at ${f.audit.at}`, action: { kind: 'button', label: 'Run again' } }
        : { done: false, detail: `failed at ${f.audit.at}: ${f.audit.failed.join('; ')}`, action: { kind: 'button', label: 'Run again' } };
    case 'models':
      if ('error' in f.models) return { done: false, detail: f.models.error, action: { kind: 'screen', label: 'Open Models', screen: 'models' } };
      return f.models.missing.length === 0
        ? { done: true, detail: `installed: ${f.models.installed.join(', ')}`, action: { kind: 'none' } }
        : { done: false, detail: `not installed: ${f.models.missing.join(', ')}`, action: { kind: 'screen', label: 'Download on the Models tab', screen: 'models' } };
    case 'ollama':
      if (!f.ollama.running) return { done: false, detail: f.ollama.error, action: { kind: 'command', label: 'Start Ollama, then check again', text: 'ollama serve' } };
      return f.ollama.present
        ? { done: true, detail: `running, with ${f.ollama.model}`, action: { kind: 'none' } }
        : { done: false, detail: `running, but ${f.ollama.model} is not pulled`, action: { kind: 'screen', label: `Pull ${f.ollama.model} on the Models tab`, screen: 'models' } };
    case 'voice': {
      const toggle: SetupAction = { kind: 'button', label: f.voice.firstTurn ? 'Try again' : 'Start a voice turn' };
      if (f.voice.firstTurn) return { done: true, detail: `a first turn was answered at ${f.voice.firstTurn.at}: "${f.voice.firstTurn.transcript}"`, action: toggle };
      const not = { done: false, action: toggle };
      if (!f.voice.configured) return { ...not, detail: '', waiting: `voice is not configured: ${f.voice.reason}${f.voice.next ? `; next: ${f.voice.next}` : ''}` };
      if (!f.voice.running) return { ...not, detail: '', waiting: 'voice is set up but not running: see why in JETT_HOME/logs/jett.log or `jett doctor` (a model pulled again is taken up at once)' };
      return { ...not, detail: 'press the button (or the hotkey), say something, and wait for the spoken reply: the step is done once a turn is answered' };
    }
  }
}

export function setupChecklist(facts: SetupFacts): SetupView {
  const owns = new Map(SETUP_STEP_IDS.map((id) => [id, own(id, facts)]));
  const steps: SetupStep[] = SETUP_STEP_IDS.map((id) => {
    const o = owns.get(id)!;
    const base = { id, title: TITLES[id], detail: o.detail, action: o.action };
    if (o.done) return { ...base, state: 'done', blockedBy: null, error: null };
    const blocker = (NEEDS[id] ?? []).find((need) => !owns.get(need)!.done) ?? null;
    if (blocker) return { ...base, state: 'blocked', detail: `first: ${TITLES[blocker]}`, blockedBy: blocker, error: null, action: { kind: 'none' } };
    if (o.waiting) return { ...base, state: 'blocked', detail: o.waiting, blockedBy: null, error: null, action: { kind: 'none' } };
    const error = facts.errors[id] ?? null;
    return { ...base, state: error ? 'error' : 'todo', blockedBy: null, error };
  });
  const done = steps.filter((s) => s.state === 'done').length;
  return { steps, done, total: steps.length, next: steps.find((s) => s.state !== 'done')?.id ?? null };
}
