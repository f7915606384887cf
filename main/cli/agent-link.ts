// Commands that a running agent should answer (its live state, its single sync loop) ask it first, through the
// control endpoint; when no agent runs they work in-process.
import type { SecretName } from '../core/contracts/secrets.js';
import { ControlClient } from '../core/control/client.js';
import { tunnelSetupStatus } from '../core/tunnel/installed-setup.js';
import type { CliContext } from './context.js';

/** Runs `fn` against the running agent and returns its result, or returns null when no agent runs. */
export async function viaAgent<T>(ctx: CliContext, fn: (agent: ControlClient) => Promise<T>): Promise<{ value: T } | null> {
  const agent = await ControlClient.connectToAgent(ctx.runtime().paths, 500);
  if (!agent) return null;
  try {
    return { value: await fn(agent) };
  } finally {
    agent.close();
  }
}

/**
 * After a command changed config.json or the secret store: a running agent reads them again and rebuilds what
 * changed (without one, nothing runs that would need telling). When the tunnel runs from the privileged setup's
 * copy and that no longer matches, says which command runs the setup again.
 */
export async function settingsSaved(ctx: CliContext, opts: { secrets?: SecretName[]; tunnel: boolean }): Promise<void> {
  const secrets = opts.secrets ?? [];
  const got = await viaAgent(ctx, (a) => a.call('config.reload', { secrets }));
  if (got) {
    if (got.value.sections.length > 0) ctx.err(`the running agent took the change (${got.value.sections.join(', ')})`);
    if (!got.value.needsTunnelSetup) return;
  }
  if (!opts.tunnel) return;
  const rt = ctx.runtime();
  const setup = await tunnelSetupStatus({ home: rt.paths.home, settings: rt.config.load().tunnel, secrets: rt.secrets, env: ctx.env });
  if (setup && setup.fix) ctx.err(`the tunnel runs from what the privileged setup installed, which does not match these settings: ${setup.fix}`);
}
