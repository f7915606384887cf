// Talks to a running agent through its control endpoint; `connect` says null when no agent runs.
import fs from 'node:fs';
import net from 'node:net';
import { ControlEventSchema, ControlReplySchema, type ControlMethod } from '../contracts/control.js';
import { JettError } from '../errors.js';

export class ControlClient {
  private nextId = 1;
  private buffered = '';
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private eventListener: ((event: string, payload: unknown) => void) | null = null;

  private constructor(
    private readonly socket: net.Socket,
    private readonly token: string | null,
  ) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('close', () => {
      for (const p of this.pending.values()) p.reject(new JettError('the agent closed the connection', 'check that the agent is still running (`jett agent`)'));
      this.pending.clear();
    });
  }

  /** Connects to the agent of JETT_HOME (socket and token from its paths), or returns null when none runs. */
  static async connectToAgent(paths: { controlSocket: string; controlToken: string }, timeoutMs = 1000): Promise<ControlClient | null> {
    let token: string | null = null;
    try {
      token = fs.readFileSync(paths.controlToken, 'utf8').trim();
    } catch {
      // No token file: no agent has run here, or it is stopping; the connection attempt says which.
    }
    return ControlClient.connect(paths.controlSocket, timeoutMs, token);
  }

  /** Connects to the agent at `path`, or returns null when none listens there. */
  static async connect(path: string, timeoutMs = 1000, token: string | null = null): Promise<ControlClient | null> {
    return new Promise((resolve) => {
      const socket = net.connect(path);
      const timer = setTimeout(() => {
        socket.destroy();
        resolve(null);
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(new ControlClient(socket, token));
      });
      socket.once('error', () => {
        clearTimeout(timer);
        resolve(null);
      });
    });
  }

  call(method: ControlMethod, params?: unknown): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const request = { id, method, ...(params === undefined ? {} : { params }), ...(this.token === null ? {} : { token: this.token }) };
      this.socket.write(`${JSON.stringify(request)}\n`);
    });
  }

  async subscribe(listener: (event: string, payload: unknown) => void): Promise<void> {
    this.eventListener = listener;
    await this.call('events.subscribe');
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: string): void {
    this.buffered += chunk;
    let nl: number;
    while ((nl = this.buffered.indexOf('\n')) >= 0) {
      const line = this.buffered.slice(0, nl);
      this.buffered = this.buffered.slice(nl + 1);
      let raw: unknown;
      try {
        raw = JSON.parse(line);
      } catch {
        continue;
      }
      const event = ControlEventSchema.safeParse(raw);
      if (event.success && 'event' in (raw as object)) {
        this.eventListener?.(event.data.event, event.data.payload);
        continue;
      }
      const reply = ControlReplySchema.safeParse(raw);
      if (!reply.success || reply.data.id === null) continue;
      const waiter = this.pending.get(reply.data.id);
      if (!waiter) continue;
      this.pending.delete(reply.data.id);
      if (reply.data.ok) waiter.resolve(reply.data.result);
      else {
        const e = new JettError(reply.data.error.message, reply.data.error.fix);
        e.name = reply.data.error.name;
        waiter.reject(e);
      }
    }
  }
}
