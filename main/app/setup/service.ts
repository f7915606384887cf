// The window's first-run checklist in main: the view (core/setup/facts.ts + checklist.ts) and the actions only main
// may run: the VPS bundle into a folder the user picks, the pasted VPS peer, the privileged step, `audit live`. The
// window gets public facts only; a failed action is remembered on its step (message and fix) until it succeeds. The
// first answered voice turn is remembered in the setup record, so the last step stays done.
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../../core/contracts/config.js';
import type { SetupAuditResult, SetupBundleResult, SetupPrivilegedResult, SetupStepId, SetupView } from '../../core/contracts/setup.js';
import type { LiveAuditReport } from '../../core/contracts/vps.js';
import type { InvokeResult } from '../../core/contracts/ipc.js';
import { errorMessage, JettError } from '../../core/errors.js';
import type { Runtime } from '../../core/runtime.js';
import { setupChecklist, type Problem, type SetupFacts } from '../../core/setup/checklist.js';
import { gatherFacts } from '../../core/setup/facts.js';
import { SetupRecordStore } from '../../core/setup/record.js';
import { parseInstallOutput } from '../../core/setup/vps-peer-text.js';
import { setVpsPeer } from '../../core/tunnel/desktop-keys.js';
import { managesTunnelDirectly, tunnelSetupStatus } from '../../core/tunnel/installed-setup.js';
import { VpsBundleError } from '../../core/vps/bundle.js';
import { writeDesktopBundle } from '../../core/vps/desktop-bundle.js';
import type { AgentHandle } from '../agent-handle.js';
import type { ModelService } from '../models.js';
import type { PrivilegedOutcome } from './privileged.js';

export interface SetupServiceDeps {
  runtime: Pick<Runtime, 'config' | 'secrets' | 'paths'>;
  platform: NodeJS.Platform;
  /** Decides, as the agent does, whether the tunnel runs from the installed setup or from the settings (root). */
  env: NodeJS.ProcessEnv;
  /**
   * Its status for the checklist; told of each setting and secret a step saves (it rebuilds what changed) and of a
   * privileged setup just made; its voice turns complete the last step.
   */
  agent: Pick<AgentHandle, 'status' | 'reloadConfig' | 'on'>;
  models: Pick<ModelService, 'list'>;
  wireguard(): SetupFacts['wireguard'];
  /** The OS folder dialog; the chosen folder or null. */
  chooseBundleDir(): Promise<string | null>;
  privileged(): Promise<PrivilegedOutcome>;
  /** `audit live` with the current config (core/vps/live-audit-run.ts). */
  auditLive(tunnel: Config['tunnel']): Promise<LiveAuditReport>;
  /** After the peer changed the config: rebind, refresh the tray. */
  onConfigChanged(config: Config): void;
  /** Hears every checklist main computes (the tray's compact copy). */
  onView?: (view: SetupView) => void;
}

export interface SetupService {
  view(): Promise<SetupView>;
  /** Stops listening to the agent's voice turns. */
  close(): void;
  vpsBundle(): Promise<SetupBundleResult>;
  vpsPeer(text: string): Promise<InvokeResult<'setup:vpsPeer'>>;
  privileged(): Promise<SetupPrivilegedResult>;
  auditLive(): Promise<SetupAuditResult>;
}

/**
 * Why a folder cannot be made: Node's recursive mkdir reports a read-only disk or a closed folder as ENOENT, so the
 * nearest folder that exists is asked whether it may be written to.
 */
function refusalCode(err: NodeJS.ErrnoException, dir: string): string {
  if (err.code !== 'ENOENT') return err.code ?? '';
  let at = path.dirname(path.resolve(dir));
  while (!fs.existsSync(at) && path.dirname(at) !== at) at = path.dirname(at);
  try {
    fs.accessSync(at, fs.constants.W_OK);
    return 'ENOENT';
  } catch (denied) {
    return (denied as NodeJS.ErrnoException).code ?? 'ENOENT';
  }
}

/** A file-system failure as the user can act on it, without a stack or an errno. */
function bundleWriteError(err: unknown, dir: string): JettError {
  // The generator's own fix names the command line's --force; the window rewrites only the last bundle's folder.
  if (err instanceof VpsBundleError && err.message.endsWith('is not empty')) {
    return new VpsBundleError(err.message, 'choose a new or empty folder (saving again into the folder of the last bundle rewrites it and keeps its passwords)');
  }
  if (err instanceof JettError) return err;
  const code = refusalCode(err as NodeJS.ErrnoException, dir);
  const why = { EACCES: 'permission denied', EPERM: 'not permitted', EROFS: 'the disk is read-only', ENOTDIR: 'a part of the path is a file', ENOENT: 'the folder cannot be made there', ENOSPC: 'the disk is full' }[code] ?? errorMessage(err);
  return new VpsBundleError(`cannot write the VPS bundle to ${dir}: ${why}; nothing was stored`, 'choose a folder you can write to (for example a new folder in Documents) and save again');
}

export function createSetupService(deps: SetupServiceDeps): SetupService {
  const record = new SetupRecordStore(deps.runtime.paths.home);
  const errors: Partial<Record<SetupStepId, Problem>> = {};
  // Runs one step's action: its failure is kept on the step (and still thrown to the window), its success clears it.
  const attempt = async <T>(id: SetupStepId, run: () => Promise<T>): Promise<T> => {
    try {
      const value = await run();
      delete errors[id];
      return value;
    } catch (err) {
      errors[id] = err instanceof JettError ? { message: err.message, fix: err.fix } : { message: errorMessage(err), fix: 'see JETT_HOME/logs/jett.log' };
      throw err;
    }
  };

  const view = async (): Promise<SetupView> => {
    const [status, models] = await Promise.all([deps.agent.status(), deps.models.list()]);
    const config = deps.runtime.config.load();
    // The agent's own comparison when it runs one; without an agent, the same function over the same record.
    const tunnelSetup = status.tunnelSetup ?? (await tunnelSetupStatus({ home: deps.runtime.paths.home, settings: config.tunnel, secrets: deps.runtime.secrets, env: deps.env, platform: deps.platform }));
    const facts = await gatherFacts({
      platform: deps.platform,
      config,
      secrets: deps.runtime.secrets,
      record: record.load(),
      wireguard: deps.wireguard(),
      status,
      tunnelSetup,
      managesTunnelDirectly: managesTunnelDirectly(deps.env, deps.platform),
      models,
      errors,
    });
    const computed = setupChecklist(facts);
    deps.onView?.(computed);
    return computed;
  };

  // The first answered turn, from wherever it was started (the step's button, the hotkey, the tray).
  const unsubscribe = deps.agent.on('voice.turn', (turn) => {
    if (turn.outcome !== 'answered' || record.load().voiceTurn) return;
    record.update({ voiceTurn: { at: turn.at, transcript: turn.transcript.slice(0, 200) } });
    // Only the tray's compact copy is redrawn here; a failure shows at the window's next look.
    void view().catch(() => {});
  });

  return {
    view,
    close: unsubscribe,
    async vpsBundle() {
      const dir = await deps.chooseBundleDir();
      if (dir === null) return { canceled: true, view: await view() };
      const report = await attempt('bundle', async () => {
        try {
          // The last bundle's folder is rewritten in place (its passwords kept, so a running VPS stack still matches).
          const force = path.resolve(dir) === record.load().bundleDir;
          return await writeDesktopBundle({ outDir: dir, force, config: deps.runtime.config.load(), secrets: deps.runtime.secrets, home: deps.runtime.paths.home });
        } catch (err) {
          throw bundleWriteError(err, dir);
        }
      });
      record.update({ bundleDir: report.dir });
      await deps.agent.reloadConfig(report.storedSecrets);
      return { canceled: false, dir: report.dir, fileCount: report.files.length, storedSecrets: report.storedSecrets, view: await view() };
    },
    async vpsPeer(text) {
      const peer = await attempt('peer', async () => {
        const pasted = parseInstallOutput(text);
        return setVpsPeer(deps.runtime, pasted.publicKey, pasted.endpoint);
      });
      await deps.agent.reloadConfig();
      deps.onConfigChanged(deps.runtime.config.load());
      return { peerFingerprint: peer.peerFingerprint, endpoint: peer.endpoint, warnings: peer.warnings, view: await view() };
    },
    async privileged() {
      // The step records what it installed (tunnel-installed.json) as `jett tunnel install` does; the agent then
      // compares again, so its status, the tray and this list say the same.
      const done = await attempt('privileged', () => deps.privileged());
      if (done.outcome !== 'manual') await deps.agent.reloadConfig([], ['tunnelSetup']);
      return { ...done, view: await view() };
    },
    async auditLive() {
      const report = await attempt('audit', () => deps.auditLive(deps.runtime.config.load().tunnel));
      const failed = report.checks.filter((c) => c.status === 'fail').map((c) => c.name);
      record.update({ audit: { at: new Date().toISOString(), passed: report.passed, failed } });
      return { report, view: await view() };
    },
  };
}
