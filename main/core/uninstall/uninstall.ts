// `jett uninstall` and the window's "Remove Jett from this computer": removes what Jett added to this computer, in
// order: (no agent running) the tunnel down and its privileged install, the login item, every stored secret, then
// JETT_HOME when the user chose to delete it. Each step that fails is reported with what is left and how to remove
// it, and the others still run; a second run finds nothing more to remove.
import type { UninstallLeft, UninstallResult } from '../contracts/uninstall.js';
import { errorMessage } from '../contracts/errors.js';
import { JettError } from '../errors.js';
import type { KeyringCall } from '../secrets/keyring-call.js';
import type { ProcessRunner } from '../tunnel/runner.js';
import { removeAutostart } from './autostart.js';
import { deleteData } from './data.js';
import { removeSecrets } from './secrets.js';
import { removeTunnel, type TunnelRemoval } from './tunnel.js';
import { removeWindowsLoginItem } from './windows-login-item.js';

export interface UninstallDeps {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  /** JETT_HOME, and where the database and models live (on Windows %LOCALAPPDATA%\Jett; else the same folder). */
  home: string;
  dataHome: string;
  /** The user's own home folder: JETT_HOME is never deleted when it is this folder or above it. */
  userHome: string;
  runner: ProcessRunner;
  /** Whether an agent answers on this JETT_HOME's control endpoint. */
  agentRunning(): Promise<boolean>;
  tunnel: Omit<TunnelRemoval, 'platform' | 'runner'>;
  keyringCall?: KeyringCall;
  keyringTimeoutMs?: number;
  /** Removes the login item and says what it removed; default: the autostart file (Linux), the Run values (Windows). */
  loginItem?: () => Promise<string[]>;
  /** Windows: reg.exe from System32, for the login item. */
  reg?: string;
}

/** Stops before anything is removed: a running agent would bring the tunnel back up and write to JETT_HOME. */
export class AgentRunningError extends JettError {}

async function step(label: string, left: UninstallLeft[], fn: () => Promise<{ removed: string[]; left?: UninstallLeft[] }>, removed: string[]): Promise<void> {
  try {
    const r = await fn();
    removed.push(...r.removed);
    left.push(...(r.left ?? []));
  } catch (err) {
    left.push({ what: `${label} (${errorMessage(err)})`, fix: err instanceof JettError ? `${err.fix}; then run \`jett uninstall\` again` : 'run `jett uninstall` again; if it fails the same way, report it' });
  }
}

async function loginItem(deps: UninstallDeps): Promise<{ removed: string[]; left?: UninstallLeft[] }> {
  if (deps.loginItem) return { removed: await deps.loginItem() };
  if (deps.platform === 'linux') {
    const r = removeAutostart(deps.env);
    if (!r) return { removed: [] };
    if ('removed' in r) return { removed: [r.removed] };
    return { removed: [], left: [{ what: `${r.kept} (not written by Jett, kept)`, fix: 'look at it and remove it yourself if it starts Jett' }] };
  }
  if (deps.platform === 'win32' && deps.reg) {
    const r = await removeWindowsLoginItem(deps.runner, deps.reg);
    return { removed: r.removed, left: r.failed.map((v) => ({ what: `the login item ${v}`, fix: 'turn Jett off in Settings > Apps > Startup' })) };
  }
  return { removed: [], left: [{ what: 'the login item, if "Start at login" was on', fix: 'turn it off in System Settings > General > Login Items' }] };
}

export async function uninstall(opts: { deleteData: boolean }, deps: UninstallDeps): Promise<UninstallResult> {
  if (await deps.agentRunning()) {
    throw new AgentRunningError('a Jett agent is running for this JETT_HOME; nothing was removed', 'stop it first (quit the tray app, or stop `jett agent` with Ctrl-C), then run `jett uninstall` again');
  }
  const removed: string[] = [];
  const left: UninstallLeft[] = [];
  await step('the tunnel setup', left, () => removeTunnel({ ...deps.tunnel, platform: deps.platform, runner: deps.runner }), removed);
  await step('the login item', left, () => loginItem(deps), removed);
  await step("Jett's secrets", left, () => removeSecrets({ home: deps.home, platform: deps.platform, env: deps.env, call: deps.keyringCall, timeoutMs: deps.keyringTimeoutMs }), removed);
  if (opts.deleteData) await step('JETT_HOME', left, async () => deleteData([deps.home, deps.dataHome], deps.userHome), removed);
  return { home: deps.home, removed, left, dataKept: !opts.deleteData };
}
