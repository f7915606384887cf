// The checklist as the tray app builds it: the real WireGuard lookup, the privileged step for this platform, and
// `audit live` run by main with the current config, over the setup service (service.ts).
import type { Config } from '../../core/contracts/config.js';
import type { SetupView } from '../../core/contracts/setup.js';
import type { Runtime } from '../../core/runtime.js';
import { findWireguard } from '../../core/setup/wireguard-found.js';
import { runLiveAudit } from '../../core/vps/live-audit-run.js';
import type { AgentHandle } from '../agent-handle.js';
import type { ModelService } from '../models.js';
import { privilegedStep } from './privileged.js';
import { createSetupService, type SetupService } from './service.js';

export interface AppSetupDeps {
  runtime: Pick<Runtime, 'config' | 'secrets' | 'paths'>;
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  agent: Pick<AgentHandle, 'status' | 'reloadConfig' | 'on'>;
  models: Pick<ModelService, 'list'>;
  windowsSetup(): Promise<void>;
  chooseBundleDir(): Promise<string | null>;
  onConfigChanged(config: Config): void;
  onView(view: SetupView): void;
}

export function appSetupService(d: AppSetupDeps): SetupService {
  return createSetupService({
    runtime: d.runtime,
    platform: d.platform,
    env: d.env,
    agent: d.agent,
    models: d.models,
    wireguard: () => findWireguard({ platform: d.platform, env: d.env }),
    chooseBundleDir: d.chooseBundleDir,
    privileged: privilegedStep({ runtime: d.runtime, platform: d.platform, env: d.env, isRoot: process.getuid?.() === 0, windowsSetup: d.windowsSetup }),
    auditLive: (tunnel) => runLiveAudit({ tunnel, home: d.runtime.paths.home }),
    onConfigChanged: d.onConfigChanged,
    onView: d.onView,
  });
}
