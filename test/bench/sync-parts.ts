// Parts shared by the sync benchmarks (bench:sync, bench:agent's backlog): the 250-byte payload, the latency proxy
// in a process of its own, and a round-trip measurement through it.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const PAYLOAD_BYTES = 250;
export const KIND = 'voice.transcript';

// The padding that makes {"id":"NNNNNNNN","text":"..."} exactly PAYLOAD_BYTES bytes, worked out once.
const PAD = 'x'.repeat(PAYLOAD_BYTES - JSON.stringify({ id: '00000000', text: '' }).length);

/** A payload whose JSON is exactly PAYLOAD_BYTES bytes; `id` is i, so the server's rows show their order. */
export function payload(i: number): { id: string; text: string } {
  return { id: String(i).padStart(8, '0'), text: PAD };
}

/** The fault proxy with `oneWayMs` added each way (a round trip gains twice that); stop() ends it. */
export async function startProxy(target: { host: string; port: number }, oneWayMs: number): Promise<{ port: number; stop: () => void }> {
  const script = fileURLToPath(new URL('./sync-proxy.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, target.host, String(target.port), String(oneWayMs)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
    child.once('exit', (code) => reject(new Error(`proxy exited with ${code}`)));
  });
  return { port, stop: () => child.stdin.end() };
}

/** The median of 21 `SELECT 1` round trips, in ms. */
export async function measureRtt(conn: pg.ClientConfig): Promise<number> {
  const c = new pg.Client(conn);
  await c.connect();
  const samples: number[] = [];
  for (let i = 0; i < 21; i++) {
    const t = performance.now();
    await c.query('SELECT 1');
    samples.push(performance.now() - t);
  }
  await c.end();
  return samples.sort((a, b) => a - b)[10]!;
}
