// Talks to a running agent through its control endpoint; `connect` says null when no agent runs. Before it sends a
// request or believes a reply, the agent must prove that it knows JETT_HOME/control.token (and so must this client).
import fs from 'node:fs';
import net from 'node:net';
import type { z } from 'zod';
import {
  CONTROL_EVENTS,
  CONTROL_HANDSHAKE_TIMEOUT_MS,
  CONTROL_MAX_LINE_BYTES,
  CONTROL_METHODS,
  ControlEventSchema,
  ControlHelloSchema,
  ControlReplySchema,
  ControlServerProofSchema,
  type ControlEvent,
  type ControlMethod,
  type ControlParams,
  type ControlResult,
} from '../contracts/control.js';
import type { JettEventName } from '../contracts/events.js';
import { fromErrorEnvelope, issuesOf, JettError } from '../errors.js';
import { newNonce, proofFor, proofMatches } from './handshake.js';

/** The endpoint answered, but not as the user's own agent: refused before anything was sent or believed. */
export class ControlAuthError extends JettError {
  constructor(message: string, fix: string) {
    super(message, fix, { code: 'refused' });
  }
}

/** A method without params takes none; the others take theirs. */
type ParamsArg<M extends ControlMethod> = undefined extends ControlParams<M> ? [] : [params: ControlParams<M>];

function isEventName(name: string): name is JettEventName {
  return Object.hasOwn(CONTROL_EVENTS, name);
}

/** The id of a reply that does not parse, when it has one: its call is failed, not left waiting. */
function idOf(raw: unknown): number | null {
  const id = (raw as { id?: unknown } | null)?.id;
  return typeof id === 'number' ? id : null;
}

function outsideContract(method: ControlMethod, error: z.ZodError): JettError {
  const issues = issuesOf(error);
  return new JettError(
    `${method}: the agent answered outside the contract (${issues[0]?.path || '(root)'}: ${issues[0]?.message ?? 'invalid'})`,
    'run the same version of jett as the agent (restart `jett agent` after an update)',
    { code: 'bad-reply', issues },
  );
}

/** Reads newline-delimited lines, refusing (by throwing) one longer than the protocol allows. */
class LineReader {
  private buffered = '';
  push(chunk: string): string[] {
    this.buffered += chunk;
    const lines = this.buffered.split('\n');
    this.buffered = lines.pop()!;
    if (this.buffered.length > CONTROL_MAX_LINE_BYTES || lines.some((l) => l.length > CONTROL_MAX_LINE_BYTES)) {
      throw new ControlAuthError(`the control endpoint sent a line longer than ${CONTROL_MAX_LINE_BYTES} bytes`, 'check which program serves the control endpoint');
    }
    return lines;
  }
}

function parseJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

/**
 * The client's half of the handshake on a connected socket: resolves once the agent has proven the secret, rejects
 * (and destroys the socket) otherwise. The secret itself is never written.
 */
function handshake(socket: net.Socket, secret: string, where: string, reader: LineReader): Promise<void> {
  const notOurs = (what: string) =>
    new ControlAuthError(
      `the process serving ${where} ${what}: it is not this user's Jett agent, so nothing was sent to it`,
      'stop the program that holds that name (on Windows, another signed-in user may have claimed it first), then start the agent again',
    );
  return new Promise((resolve, reject) => {
    const clientNonce = newNonce();
    let agentNonce: string | null = null;
    const fail = (err: Error) => {
      cleanup();
      socket.destroy();
      reject(err);
    };
    const timer = setTimeout(() => fail(notOurs(`did not finish the handshake within ${CONTROL_HANDSHAKE_TIMEOUT_MS / 1000} s`)), CONTROL_HANDSHAKE_TIMEOUT_MS);
    const onData = (chunk: string) => {
      let lines: string[];
      try {
        lines = reader.push(chunk);
      } catch (err) {
        return fail(err as Error);
      }
      for (const line of lines) {
        const raw = parseJson(line);
        if (agentNonce === null) {
          const hello = ControlHelloSchema.safeParse(raw);
          if (!hello.success) return fail(notOurs("does not speak Jett's control protocol"));
          agentNonce = hello.data.nonce;
          socket.write(`${JSON.stringify({ proof: proofFor(secret, 'client', agentNonce, clientNonce), nonce: clientNonce })}\n`);
          continue;
        }
        const refusal = ControlReplySchema.safeParse(raw);
        if (refusal.success && !refusal.data.ok) {
          return fail(new ControlAuthError(refusal.data.error.message, 'run jett as the user who runs the agent; if the agent just restarted, try again'));
        }
        const answer = ControlServerProofSchema.safeParse(raw);
        if (!answer.success || !proofMatches(proofFor(secret, 'server', agentNonce, clientNonce), answer.data.proof)) {
          return fail(notOurs('could not prove it knows the control token'));
        }
        cleanup();
        return resolve();
      }
    };
    const onClose = () => fail(new ControlAuthError(`the control endpoint ${where} hung up during the handshake`, 'check that the agent is still running (`jett agent`), then try again'));
    const cleanup = () => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
    };
    socket.on('data', onData);
    socket.on('close', onClose);
  });
}

export class ControlClient {
  private nextId = 1;
  private readonly pending = new Map<number, { method: ControlMethod; resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private eventListener: ((event: ControlEvent) => void) | null = null;

  private constructor(
    private readonly socket: net.Socket,
    private readonly reader: LineReader,
  ) {
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('close', () => {
      for (const p of this.pending.values()) p.reject(new JettError('the agent closed the connection', 'check that the agent is still running (`jett agent`)', { code: 'unavailable' }));
      this.pending.clear();
    });
  }

  /**
   * Connects to the agent of JETT_HOME (endpoint and token from its paths), or returns null when none runs. Throws
   * when something listens there but cannot be trusted, or when the token cannot be read.
   */
  static async connectToAgent(paths: { controlSocket: string; controlToken: string }, timeoutMs = 1000): Promise<ControlClient | null> {
    let secret: string | null = null;
    try {
      secret = fs.readFileSync(paths.controlToken, 'utf8').trim();
    } catch {
      // No token file: no agent runs here (it writes the token before it listens), unless the endpoint says otherwise.
    }
    if (secret) return ControlClient.connect(paths.controlSocket, secret, timeoutMs);
    const socket = await openSocket(paths.controlSocket, timeoutMs);
    if (!socket) return null;
    socket.destroy();
    throw new ControlAuthError(
      `something listens at ${paths.controlSocket} but ${paths.controlToken} cannot be read`,
      'run jett as the user who runs the agent; if the agent is stopping, try again',
    );
  }

  /** Connects to the agent at `path` and runs the handshake; null when nothing listens there. */
  static async connect(path: string, secret: string, timeoutMs = 1000): Promise<ControlClient | null> {
    const socket = await openSocket(path, timeoutMs);
    if (!socket) return null;
    socket.setEncoding('utf8');
    const reader = new LineReader();
    await handshake(socket, secret, path, reader);
    return new ControlClient(socket, reader);
  }

  /** Calls a method of the contract; resolves to its result once that passes the contract's schema. */
  call<M extends ControlMethod>(method: M, ...[params]: ParamsArg<M>): Promise<ControlResult<M>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { method, resolve: resolve as (v: unknown) => void, reject });
      this.socket.write(`${JSON.stringify({ id, method, ...(params === undefined ? {} : { params }) })}\n`);
    });
  }

  /** Receives every event of the agent's bus from now on, each payload checked against its schema. */
  async subscribe(listener: (event: ControlEvent) => void): Promise<void> {
    this.eventListener = listener;
    await this.call('events.subscribe');
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: string): void {
    let lines: string[];
    try {
      lines = this.reader.push(chunk);
    } catch {
      this.socket.destroy();
      return;
    }
    for (const line of lines) {
      const raw = parseJson(line);
      if (raw === undefined) continue;
      const event = ControlEventSchema.safeParse(raw);
      if (event.success && 'event' in (raw as object)) {
        this.deliver(event.data.event, event.data.payload);
        continue;
      }
      const reply = ControlReplySchema.safeParse(raw);
      const id = reply.success ? reply.data.id : idOf(raw);
      const waiter = id === null ? undefined : this.pending.get(id);
      if (id === null || !waiter) continue;
      this.pending.delete(id);
      // A reply outside the contract fails its call at once rather than leaving it waiting for one that never comes.
      if (!reply.success) waiter.reject(outsideContract(waiter.method, reply.error));
      else if (!reply.data.ok) waiter.reject(fromErrorEnvelope(reply.data.error));
      else {
        const result = CONTROL_METHODS[waiter.method].result.safeParse(reply.data.result);
        if (result.success) waiter.resolve(result.data);
        else waiter.reject(outsideContract(waiter.method, result.error));
      }
    }
  }

  /** An event this version does not know, or whose payload is not what it expects (another version's agent), is left out. */
  private deliver(name: string, payload: unknown): void {
    if (!this.eventListener || !isEventName(name)) return;
    const parsed = CONTROL_EVENTS[name].safeParse(payload);
    if (parsed.success) this.eventListener({ event: name, payload: parsed.data } as ControlEvent);
  }
}

/** A connected socket, or null when nothing listens at `path` (no file, refused, or no answer in time). */
function openSocket(path: string, timeoutMs: number): Promise<net.Socket | null> {
  return new Promise((resolve) => {
    const socket = net.connect(path);
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(null);
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      socket.on('error', () => socket.destroy());
      resolve(socket);
    });
    socket.once('error', () => {
      clearTimeout(timer);
      resolve(null);
    });
  });
}
