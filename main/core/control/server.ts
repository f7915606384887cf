// The running agent's control endpoint: an owner-only Unix socket (a named pipe on Windows) on which each client and
// the agent first prove to each other that they know JETT_HOME/control.token, then speak JSON lines.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import { JettError } from '../errors.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../log/logger.js';
import { RateLimitedWarning } from '../log/rate-limit.js';
import { ControlConnection, DEFAULT_CONTROL_LIMITS, type ControlHandlers, type ControlLimits } from './connection.js';

export type { ControlHandlers } from './connection.js';

/** A flood of refused clients writes one line a minute, with a count. */
const REFUSAL_LOG_PERIOD_MS = 60_000;

export interface ControlServerOptions {
  path: string;
  /**
   * The content of JETT_HOME/control.token. A Unix socket is owner-only by its mode; a Windows named pipe has no
   * such mode that Node can set, so proving this secret is what tells the user's own programs from anyone else.
   */
  secret: string;
  handlers: ControlHandlers;
  bus: EventBus;
  logger: Logger;
  /** Called when the listening socket fails after it started (the agent's supervisor restarts it). */
  onFailure?: (err: Error) => void;
  limits?: Partial<ControlLimits>;
  /** Milliseconds, for the refusal log's rate limit. */
  now?: () => number;
}

export class ControlServer {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  private readonly limits: ControlLimits;
  private readonly refusals: RateLimitedWarning;
  /** The socket file this server made (inode and change time): close() removes that one only, never a successor's. */
  private own: { ino: bigint; ctimeNs: bigint } | null = null;

  constructor(private readonly opts: ControlServerOptions) {
    this.limits = { ...DEFAULT_CONTROL_LIMITS, ...opts.limits };
    this.refusals = new RateLimitedWarning(opts.logger, 'control connection refused: the client did not prove it knows the token', REFUSAL_LOG_PERIOD_MS, opts.now);
  }

  /**
   * Only the holder of the agent's instance lock calls this. On Unix it listens on a fresh name, makes it owner-only
   * and renames it over the endpoint's path: a socket left by a crashed agent is replaced in one step (no moment
   * without an endpoint, none with a wider mode), and closing the server later (libuv unlinks the name it listened
   * on) can never remove a successor's socket.
   */
  async listen(): Promise<void> {
    // A restart after a failure: the failed server goes first.
    this.server?.close();
    this.server = null;
    const file = this.opts.path;
    const unix = process.platform !== 'win32';
    const bindName = unix ? `${file}.${randomBytes(4).toString('hex')}` : file;
    const server = net.createServer((socket) => this.accept(socket));
    server.maxConnections = this.limits.maxConnections;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => {
        // Only on Windows can a name be taken: the instance lock is ours, so another user or program made the pipe.
        if (err.code === 'EADDRINUSE' && !unix) {
          reject(
            new JettError(
              `the control pipe ${file} was created by another process, so this agent cannot serve it`,
              'another signed-in user or program made it first: sign them out or restart Windows, or give this agent another JETT_HOME (the pipe name follows from it)',
            ),
          );
        } else reject(err);
      });
      server.listen(bindName, () => resolve());
    });
    if (unix) {
      fs.chmodSync(bindName, 0o600);
      fs.renameSync(bindName, file);
      const st = fs.statSync(file, { bigint: true });
      this.own = { ino: st.ino, ctimeNs: st.ctimeNs };
    }
    server.on('error', (err) => {
      if (this.server === server) this.opts.onFailure?.(err);
    });
    this.server = server;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((r) => server.close(() => r()));
    this.refusals.flush();
    if (this.own) {
      // An inode number alone can be reused at once by the next socket made in the folder; with its change time, not.
      const st = fs.statSync(this.opts.path, { bigint: true, throwIfNoEntry: false });
      if (st && st.ino === this.own.ino && st.ctimeNs === this.own.ctimeNs) fs.rmSync(this.opts.path, { force: true });
      this.own = null;
    }
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    new ControlConnection(socket, {
      secret: this.opts.secret,
      handlers: this.opts.handlers,
      bus: this.opts.bus,
      logger: this.opts.logger,
      limits: this.limits,
      refused: (reason) => this.refusals.note({ reason }),
    });
  }
}
