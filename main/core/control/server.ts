// The running agent's control endpoint: an owner-only Unix socket (a named pipe on Windows) speaking JSON lines.
import { timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import { ZodError } from 'zod';
import {
  CONTROL_MAX_LINE_BYTES,
  ControlRequestSchema,
  type ControlMethod,
  type ControlReply,
} from '../contracts/control.js';
import type { JettEventName } from '../contracts/events.js';
import { JettError } from '../errors.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../log/logger.js';

/** Each handler validates its own params (none of them trusts the caller). */
export type ControlHandlers = Record<Exclude<ControlMethod, 'events.subscribe'>, (params: unknown) => Promise<unknown>>;

/** Events a subscriber receives; what the tray and `jett agent --json` show. */
const FORWARDED: JettEventName[] = ['tunnel.state', 'outbox.counts', 'inbox.counts', 'heartbeat.result', 'voice.state', 'service.state', 'notification'];

function errorReply(id: number | null, err: unknown): ControlReply {
  if (err instanceof ZodError) {
    const issue = err.issues[0]!;
    return { id, ok: false, error: { name: 'UsageError', message: `invalid params: ${issue.path.join('.') || '(root)'}: ${issue.message}`, fix: 'see main/core/contracts/control.ts for what each method takes' } };
  }
  if (err instanceof JettError) return { id, ok: false, error: { name: err.name, message: err.message, fix: err.fix } };
  return { id, ok: false, error: { name: 'Error', message: err instanceof Error ? err.message : String(err), fix: 'see the agent log in JETT_HOME/logs' } };
}

export class ControlServer {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();

  constructor(
    private readonly path: string,
    private readonly handlers: ControlHandlers,
    private readonly bus: EventBus,
    private readonly logger: Logger,
    /** Called when the listening socket fails after it started (the agent's supervisor restarts it). */
    private readonly onFailure: (err: Error) => void = () => {},
    /**
     * When set, every request must carry it. A Unix socket is owner-only by its mode; a Windows named pipe has no
     * such mode that Node can set, so the token file (readable by the user only) is what proves the caller.
     */
    private readonly token: string | null = null,
  ) {}

  private tokenMatches(given: string | undefined): boolean {
    if (this.token === null) return true;
    const a = Buffer.from(given ?? '');
    const b = Buffer.from(this.token);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  async listen(): Promise<void> {
    // A restart after a failure: the failed server goes first.
    this.server?.close();
    this.server = null;
    if (process.platform !== 'win32') {
      // A socket left by a crashed agent: the instance lock already proved nobody serves it.
      fs.rmSync(this.path, { force: true });
    }
    const server = net.createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.path, () => resolve());
    });
    if (process.platform !== 'win32') fs.chmodSync(this.path, 0o600);
    server.on('error', (err) => {
      if (this.server === server) this.onFailure(err);
    });
    this.server = server;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((r) => server.close(() => r()));
    if (process.platform !== 'win32') fs.rmSync(this.path, { force: true });
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    const unsubscribe: (() => void)[] = [];
    let buffered = '';
    const send = (obj: unknown) => {
      if (!socket.destroyed) socket.write(`${JSON.stringify(obj)}\n`);
    };
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      if (buffered.length > CONTROL_MAX_LINE_BYTES && !buffered.includes('\n')) {
        send(errorReply(null, new JettError(`request longer than ${CONTROL_MAX_LINE_BYTES} bytes`, 'send one short JSON request per line')));
        socket.destroy();
        return;
      }
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        void this.handleLine(line, send, unsubscribe);
      }
    });
    const cleanup = () => {
      this.sockets.delete(socket);
      for (const u of unsubscribe) u();
    };
    socket.on('close', cleanup);
    socket.on('error', cleanup);
  }

  private async handleLine(line: string, send: (obj: unknown) => void, unsubscribe: (() => void)[]): Promise<void> {
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      return send(errorReply(null, new JettError('the request is not JSON', 'send {"id":1,"method":"status"}')));
    }
    const parsed = ControlRequestSchema.safeParse(raw);
    if (!parsed.success) {
      const id = typeof (raw as { id?: unknown })?.id === 'number' ? (raw as { id: number }).id : null;
      return send(errorReply(id, new JettError(`invalid request: ${parsed.error.issues[0]!.message}`, 'see main/core/contracts/control.ts for the methods')));
    }
    const { id, method, params, token } = parsed.data;
    if (!this.tokenMatches(token)) {
      this.logger.warn('control request refused: wrong or missing token', { method });
      return send(errorReply(id, new JettError('the control token does not match', "run jett as the user who runs the agent (it reads JETT_HOME/control.token)")));
    }
    if (method === 'events.subscribe') {
      for (const name of FORWARDED) unsubscribe.push(this.bus.on(name, (payload) => send({ event: name, payload })));
      return send({ id, ok: true, result: { subscribed: FORWARDED } });
    }
    try {
      // A method with nothing to return still answers `result: null`: the client refuses a reply without a result.
      send({ id, ok: true, result: (await this.handlers[method](params)) ?? null });
    } catch (err) {
      this.logger.warn('control request failed', { method, error: err });
      send(errorReply(id, err));
    }
  }
}
