// The demo's stand-in for n8n on the VPS: the heartbeat webhook and the scheduled offline detector, calling the
// same SQL functions as the workflows in resources/vps/n8n (jett_record_heartbeat, jett_presence_changes).
import http from 'node:http';
import pg from 'pg';
import { HeartbeatBodySchema } from '../../core/contracts/heartbeat.js';

export interface ReceiverOptions {
  host: string;
  port: number;
  db: pg.ClientConfig;
  /** The bearer token the webhook requires (n8n's header auth); null accepts any caller. */
  token: string | null;
  detectorEveryMs: number;
  /** One JSON object per line: what happened, for the demo to show and time. */
  report: (line: Record<string, unknown>) => void;
}

const MAX_BODY = 64 * 1024;

export interface Receiver {
  close(): Promise<void>;
}

export async function startReceiver(opts: ReceiverOptions): Promise<Receiver> {
  const pool = new pg.Pool({ ...opts.db, max: 2 });
  pool.on('error', () => undefined);

  const server = http.createServer((req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'POST' || req.url !== '/webhook/heartbeat') return reply(404, { error: 'not found' });
    if (opts.token !== null && req.headers.authorization !== `Bearer ${opts.token}`) return reply(403, { error: 'bad token' });
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return reply(400, { error: 'the body is not JSON' });
      }
      const parsed = HeartbeatBodySchema.safeParse(body);
      // As the n8n workflow answers a refused body: a 400 whose JSON error names the field.
      if (!parsed.success) {
        const field = parsed.error.issues[0]!.path.join('.') || null;
        return reply(400, { error: `${field ? `${field}: ` : ''}${parsed.error.issues[0]!.message}`, field });
      }
      pool
        .query<{ received_at: Date }>('SELECT jett_record_heartbeat($1::jsonb) AS received_at', [JSON.stringify(parsed.data)])
        .then((r) => {
          opts.report({ type: 'heartbeat', client_id: parsed.data.client_id, received_at: r.rows[0]!.received_at.toISOString() });
          reply(200, { received_at: r.rows[0]!.received_at });
        })
        .catch((err: Error) => reply(500, { error: err.message }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });

  let detecting = false;
  const detector = setInterval(() => {
    if (detecting) return;
    detecting = true;
    pool
      .query<{ client_id: string; status: string; last_heartbeat: Date }>('SELECT client_id, status, last_heartbeat FROM jett_presence_changes()')
      .then((r) => {
        for (const row of r.rows) opts.report({ type: 'presence', client_id: row.client_id, status: row.status, last_heartbeat: row.last_heartbeat.toISOString() });
      })
      .catch((err: Error) => opts.report({ type: 'error', error: err.message }))
      .finally(() => (detecting = false));
  }, opts.detectorEveryMs);

  opts.report({ type: 'listening', host: opts.host, port: opts.port });
  return {
    async close() {
      clearInterval(detector);
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await pool.end();
    },
  };
}
