// Commands that a running agent should answer (its live state, its single sync loop) ask it first, through the
// control endpoint; when no agent runs they work in-process.
import { ControlClient } from '../core/control/client.js';
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
