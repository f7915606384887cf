// One client of the control endpoint: the challenge-response first, then requests under backpressure (reading stops
// while replies wait to be written or too many requests are in progress), so a client that never reads costs the
// agent a bounded amount of memory.
import type net from 'node:net';
import type { z } from 'zod';
import {
  CONTROL_EVENT_NAMES,
  CONTROL_HANDSHAKE_TIMEOUT_MS,
  CONTROL_MAX_LINE_BYTES,
  CONTROL_METHODS,
  CONTROL_PROTOCOL,
  ControlClientProofSchema,
  ControlRequestSchema,
  type ControlMethod,
  type ControlReply,
  type ControlResult,
} from '../contracts/control.js';
import { issuesOf, JettError, toErrorEnvelope, UsageError } from '../errors.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../log/logger.js';
import { newNonce, proofFor, proofMatches } from './handshake.js';

/** A method's implementation: it gets params the contract has validated; a method that only acts may return nothing. */
export type ControlHandler<M extends ControlMethod> = (
  params: z.output<(typeof CONTROL_METHODS)[M]['params']>,
) => Promise<ControlResult<M> | (ControlResult<M> extends null ? void : never)>;
/** Every method of the contract but `events.subscribe`, which the connection answers itself. */
export type ControlHandlers = { [M in Exclude<ControlMethod, 'events.subscribe'>]: ControlHandler<M> };

export interface ControlLimits {
  /** Requests of one connection in progress at once; reading stops at this many. */
  maxInFlight: number;
  /**
   * Reply and event bytes waiting for a client before it is cut off. Requests cannot get there (reading stops once
   * the socket's own high-water mark is passed); events are pushed unasked, so a subscriber that never reads would.
   */
  maxQueuedBytes: number;
  /** Connections open at once, authenticated or not. */
  maxConnections: number;
  handshakeTimeoutMs: number;
}

export const DEFAULT_CONTROL_LIMITS: ControlLimits = {
  maxInFlight: 16,
  maxQueuedBytes: 8 * 1024 * 1024,
  maxConnections: 32,
  handshakeTimeoutMs: CONTROL_HANDSHAKE_TIMEOUT_MS,
};

export interface ConnectionDeps {
  secret: string;
  handlers: ControlHandlers;
  bus: EventBus;
  logger: Logger;
  limits: ControlLimits;
  /** Called for each client that fails the challenge-response (the server rate-limits the log line). */
  refused: (reason: string) => void;
}

function errorReply(id: number | null, err: unknown): ControlReply {
  return { id, ok: false, error: toErrorEnvelope(err) };
}

export class ControlConnection {
  private readonly agentNonce = newNonce();
  private authenticated = false;
  private buffered = '';
  private inFlight = 0;
  /** Refused: whatever else this client sends is dropped unread. */
  private hangingUp = false;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    private readonly socket: net.Socket,
    private readonly deps: ConnectionDeps,
  ) {
    socket.setEncoding('utf8');
    socket.setTimeout(deps.limits.handshakeTimeoutMs, () => socket.destroy());
    socket.on('data', (chunk: string) => {
      if (this.hangingUp) return;
      this.buffered += chunk;
      this.pump();
    });
    socket.on('drain', () => this.pump());
    socket.on('close', () => this.unsubscribe.splice(0).forEach((u) => u()));
    socket.on('error', () => socket.destroy());
    this.send({ hello: CONTROL_PROTOCOL, nonce: this.agentNonce });
  }

  /** Takes complete lines while the client may send more, and reads from the socket only while it may. */
  private pump(): void {
    while (!this.hangingUp && !this.socket.destroyed && this.mayRead()) {
      const nl = this.buffered.indexOf('\n');
      if ((nl < 0 ? this.buffered.length : nl) > CONTROL_MAX_LINE_BYTES) {
        return this.refuse(new JettError(`request longer than ${CONTROL_MAX_LINE_BYTES} bytes`, 'send one short JSON request per line', { code: 'too-large' }));
      }
      if (nl < 0) break;
      const line = this.buffered.slice(0, nl);
      this.buffered = this.buffered.slice(nl + 1);
      if (!this.authenticated) this.answerChallenge(line);
      else {
        this.inFlight++;
        void this.handleLine(line).finally(() => {
          this.inFlight--;
          this.pump();
        });
      }
    }
    if (this.hangingUp) return;
    if (this.mayRead()) this.socket.resume();
    else this.socket.pause();
  }

  /** Backpressure: nothing more is read while replies wait for the client or enough requests are in progress. */
  private mayRead(): boolean {
    return !this.socket.writableNeedDrain && this.inFlight < this.deps.limits.maxInFlight;
  }

  private send(obj: unknown): void {
    if (this.socket.destroyed) return;
    const line = `${JSON.stringify(obj)}\n`;
    if (this.socket.writableLength + Buffer.byteLength(line) > this.deps.limits.maxQueuedBytes) {
      this.deps.logger.warn('control client cut off: it did not read its replies and events', { queuedBytes: this.socket.writableLength });
      this.socket.destroy();
      return;
    }
    this.socket.write(line);
  }

  /** Says why, then hangs up once that line is written; nothing more is read from this client. */
  private refuse(err: JettError): void {
    this.hangingUp = true;
    this.buffered = '';
    this.socket.pause();
    this.send(errorReply(null, err));
    this.socket.end(() => this.socket.destroy());
  }

  private answerChallenge(line: string): void {
    let answer: { proof: string; nonce: string } | null = null;
    try {
      const parsed = ControlClientProofSchema.safeParse(JSON.parse(line));
      if (parsed.success) answer = parsed.data;
    } catch {
      // Not JSON: refused below like any other wrong answer.
    }
    if (!answer || !proofMatches(proofFor(this.deps.secret, 'client', this.agentNonce, answer.nonce), answer.proof)) {
      this.deps.refused(answer ? 'wrong proof' : 'no proof');
      return this.refuse(
        new JettError('the client did not prove it knows the control token', 'run jett as the user who runs the agent (the proof uses JETT_HOME/control.token)', { code: 'refused' }),
      );
    }
    this.authenticated = true;
    this.socket.setTimeout(0);
    this.send({ proof: proofFor(this.deps.secret, 'server', this.agentNonce, answer.nonce) });
  }

  private async handleLine(line: string): Promise<void> {
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      return this.send(errorReply(null, new JettError('the request is not JSON', 'send {"id":1,"method":"status"}', { code: 'invalid-request' })));
    }
    const parsed = ControlRequestSchema.safeParse(raw);
    if (!parsed.success) {
      const id = typeof (raw as { id?: unknown })?.id === 'number' ? (raw as { id: number }).id : null;
      const problem = `invalid request: ${parsed.error.issues[0]!.message}`;
      return this.send(errorReply(id, new JettError(problem, 'see main/core/contracts/control.ts for the methods', { code: 'invalid-request' })));
    }
    const { id, method } = parsed.data;
    const contract = CONTROL_METHODS[method];
    const params = contract.params.safeParse(parsed.data.params);
    if (!params.success) {
      const issues = issuesOf(params.error);
      const problem = `invalid params: ${issues[0]!.path || '(root)'}: ${issues[0]!.message}`;
      return this.send(errorReply(id, new UsageError(problem, 'see main/core/contracts/control.ts for what each method takes', { code: 'invalid-params', issues })));
    }
    let value: unknown;
    try {
      // A method with nothing to return answers `result: null`: the client refuses a reply without a result.
      value = method === 'events.subscribe' ? this.subscribe() : ((await this.handle(method, params.data)) ?? null);
    } catch (err) {
      this.deps.logger.warn('control request failed', { method, error: err });
      return this.send(errorReply(id, err));
    }
    // The reply passes the contract too: what the contract does not name never leaves the agent.
    const result = contract.result.safeParse(value);
    if (!result.success) {
      this.deps.logger.error('control reply does not match the contract', { method, issues: issuesOf(result.error) });
      return this.send(errorReply(id, new JettError(`${method}: the agent produced a reply that breaks the contract`, 'report this bug; see JETT_HOME/logs/jett.log', { code: 'bad-reply' })));
    }
    this.send({ id, ok: true, result: result.data });
  }

  private handle(method: Exclude<ControlMethod, 'events.subscribe'>, params: unknown): Promise<unknown> {
    // The contract's params schema for `method` produced `params`: the handler map is keyed by the same names.
    return (this.deps.handlers[method] as (params: unknown) => Promise<unknown>)(params);
  }

  /** Forwards every event of the map to this connection (once, however often it asks). */
  private subscribe(): ControlResult<'events.subscribe'> {
    if (this.unsubscribe.length === 0) {
      for (const name of CONTROL_EVENT_NAMES) this.unsubscribe.push(this.deps.bus.on(name, (payload) => this.send({ event: name, payload })));
    }
    return { subscribed: CONTROL_EVENT_NAMES };
  }
}
