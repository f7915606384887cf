// A TCP proxy on loopback that injects link faults between Jett and PostgreSQL: drop, blackhole, reset (also
// mid-batch, after a byte count) and added latency, each switchable while connections are open.
import net from 'node:net';

export type ProxyMode = 'pass' | 'drop' | 'blackhole';

export interface FaultProxy {
  readonly host: string;
  readonly port: number;
  readonly mode: ProxyMode;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Forward everything again (open connections that were blackholed resume where they stopped). */
  heal(): void;
  /** Refuse new connections with a reset and reset every open one: the link is cut. */
  drop(): void;
  /** Accept connections but deliver nothing either way until heal(), as a link that loses every packet (TCP
   *  retransmits, so what was sent arrives after the heal unless the connection timed out first). */
  blackhole(): void;
  /** Resets every open connection now; new ones are accepted. */
  resetAll(): void;
  /** Resets the connection that carries the next `bytes` bytes towards the server: a cut in the middle of a batch.
   *  null disarms it. */
  resetAfterBytes(bytes: number | null): void;
  /** Delays every chunk by `ms` in each direction, so a round trip gains 2*ms. */
  setLatency(oneWayMs: number): void;
  close(): Promise<void>;
}

interface Delayed {
  due: number;
  chunk: Buffer;
}

/** Writes chunks to `dest` after a delay, in order. */
class DelayLine {
  private readonly queue: Delayed[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly dest: net.Socket,
    private readonly delay: () => number,
  ) {}

  push(chunk: Buffer): void {
    const ms = this.delay();
    if (ms <= 0 && this.queue.length === 0) {
      this.dest.write(chunk);
      return;
    }
    this.queue.push({ due: Date.now() + ms, chunk });
    this.arm();
  }

  private arm(): void {
    if (this.timer || this.queue.length === 0) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      const now = Date.now();
      while (this.queue.length > 0 && this.queue[0]!.due <= now) this.dest.write(this.queue.shift()!.chunk);
      this.arm();
    }, Math.max(0, this.queue[0]!.due - Date.now()));
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.queue.length = 0;
  }
}

interface Pair {
  client: net.Socket;
  server: net.Socket;
  held: { up: Buffer[]; down: Buffer[] };
  up: DelayLine;
  down: DelayLine;
}

export async function startFaultProxy(target: { host: string; port: number }, opts: { latencyMs?: number } = {}): Promise<FaultProxy> {
  let mode: ProxyMode = 'pass';
  let latency = opts.latencyMs ?? 0;
  let accepted = 0;
  let resetBudget: number | null = null;
  const pairs = new Set<Pair>();

  const reset = (p: Pair) => {
    pairs.delete(p);
    p.up.stop();
    p.down.stop();
    p.client.resetAndDestroy();
    p.server.resetAndDestroy();
  };

  const server = net.createServer((client) => {
    accepted++;
    if (mode === 'drop') {
      client.on('error', () => undefined);
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    const pair: Pair = {
      client,
      server: upstream,
      held: { up: [], down: [] },
      up: new DelayLine(upstream, () => latency),
      down: new DelayLine(client, () => latency),
    };
    pairs.add(pair);
    client.on('data', (chunk: Buffer) => {
      if (mode === 'blackhole') return void pair.held.up.push(chunk);
      if (resetBudget !== null) {
        resetBudget -= chunk.length;
        if (resetBudget <= 0) {
          resetBudget = null;
          reset(pair);
          return;
        }
      }
      pair.up.push(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (mode === 'blackhole') return void pair.held.down.push(chunk);
      pair.down.push(chunk);
    });
    const close = () => {
      if (!pairs.delete(pair)) return;
      pair.up.stop();
      pair.down.stop();
      client.destroy();
      upstream.destroy();
    };
    for (const s of [client, upstream]) {
      s.on('error', close);
      s.on('close', close);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;

  return {
    host: '127.0.0.1',
    port,
    get mode() {
      return mode;
    },
    get accepted() {
      return accepted;
    },
    heal: () => {
      mode = 'pass';
      for (const p of pairs) {
        for (const c of p.held.up.splice(0)) p.up.push(c);
        for (const c of p.held.down.splice(0)) p.down.push(c);
      }
    },
    drop: () => {
      mode = 'drop';
      for (const p of [...pairs]) reset(p);
    },
    blackhole: () => {
      mode = 'blackhole';
    },
    resetAll: () => {
      for (const p of [...pairs]) reset(p);
    },
    resetAfterBytes: (bytes) => {
      resetBudget = bytes;
    },
    setLatency: (ms) => {
      latency = ms;
    },
    close: async () => {
      for (const p of [...pairs]) reset(p);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
