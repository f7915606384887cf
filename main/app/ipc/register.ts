// The one way main answers the window: every handler goes through `register`, which checks the sender frame,
// refuses oversized messages, validates the argument and the reply with the contract, and wraps errors.
import type { z } from 'zod';
import { INVOKE_CHANNELS, IPC_MAX_MESSAGE_BYTES, type InvokeChannel, type InvokeResult, type IpcReply } from '../../core/contracts/ipc.js';
import { errorMessage, issuesOf, JettError, toErrorEnvelope } from '../../core/errors.js';
import { IpcError } from './errors.js';
import { createSenderCheck, type IpcSenderEvent } from './sender.js';

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcSenderEvent, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export interface IpcLog {
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export type Handler<C extends InvokeChannel> = (arg: z.output<(typeof INVOKE_CHANNELS)[C]['args']>) => Promise<InvokeResult<C>>;
export type Handlers = { [C in InvokeChannel]: Handler<C> };

// Keys that would reach an object's prototype when a parser copies them (zod's record does): never data.
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * The size of a message as JSON, or null when it is not plain data: a BigInt, a cycle, or a key that names the
 * prototype (a hostile renderer's way to pollute what main builds from the message).
 */
function jsonSize(args: unknown[]): number | null {
  let hostile = false;
  try {
    const text = JSON.stringify(args, (key, value: unknown) => {
      if (PROTOTYPE_KEYS.has(key)) hostile = true;
      return value;
    });
    return hostile ? null : (text?.length ?? 0);
  } catch {
    return null;
  }
}

/**
 * Registers every handler of the contract through the checks. `trusted` holds the webContents ids of our windows.
 * Returns the function that removes them.
 */
export function registerIpcHandlers(ipcMain: IpcMainLike, trusted: ReadonlySet<number>, handlers: Handlers, log: IpcLog): () => void {
  const senderProblem = createSenderCheck(trusted);
  const channels = Object.keys(INVOKE_CHANNELS) as InvokeChannel[];
  for (const channel of channels) {
    const contract = INVOKE_CHANNELS[channel];
    const handler = handlers[channel] as (arg: unknown) => Promise<unknown>;
    ipcMain.handle(channel, async (event, ...args): Promise<IpcReply<unknown>> => {
      try {
        const problem = senderProblem(event);
        if (problem) {
          log.warn('ipc message refused', { channel, reason: problem });
          throw new IpcError(`${channel}: refused: ${problem}`, 'only the Jett settings window may call main', { code: 'refused' });
        }
        const size = jsonSize(args);
        if (size === null || size > IPC_MAX_MESSAGE_BYTES) {
          log.warn('ipc message refused', { channel, reason: 'oversized or not plain data', size });
          throw new IpcError(
            `${channel}: refused: the message is ${size === null ? 'not plain data' : `${size} bytes, more than the ${IPC_MAX_MESSAGE_BYTES} allowed`}`,
            'send only the fields the contract names',
            { code: size === null ? 'invalid-request' : 'too-large' },
          );
        }
        if (args.length > 1) throw new IpcError(`${channel}: expected at most one argument, got ${args.length}`, 'pass one object', { code: 'invalid-request' });
        const parsed = contract.args.safeParse(args[0]);
        if (!parsed.success) {
          throw new IpcError(`${channel}: invalid argument: ${parsed.error.issues[0]?.message ?? 'invalid'}`, 'correct the highlighted fields', {
            code: 'invalid-params',
            issues: issuesOf(parsed.error),
          });
        }
        const value = await handler(parsed.data);
        // The reply passes the contract too: a strict schema is what keeps a stray field (a secret) from leaving.
        const reply = contract.result.safeParse(value);
        if (!reply.success) {
          log.error('ipc reply does not match the contract', { channel, issues: issuesOf(reply.error) });
          throw new IpcError(`${channel}: main produced a reply that breaks the contract`, 'report this bug; see JETT_HOME/logs/jett.log', { code: 'bad-reply' });
        }
        return { ok: true, value: reply.data };
      } catch (err) {
        if (!(err instanceof JettError)) log.error('ipc handler failed', { channel, error: errorMessage(err) });
        return { ok: false, error: toErrorEnvelope(err) };
      }
    });
  }
  return () => channels.forEach((c) => ipcMain.removeHandler(c));
}
