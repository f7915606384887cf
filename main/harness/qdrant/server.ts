// A Qdrant stand-in for tests (no Qdrant server can run here): an in-memory HTTP server that answers the REST requests
// Jett makes with Qdrant's shapes. Sources of the shapes: the API reference at api.qdrant.tech (api-reference/points/
// upsert-points, delete-points, get-point, scroll-points; api-reference/collections/create-collection, get-collection:
// the {"result","status":"ok","time"} envelope, UpdateResult {"operation_id","status":"completed"}, `wait`), and the
// qdrant/qdrant repository: src/common/auth/mod.rs (the `api-key` header or `Authorization: Bearer`; 401 "Must provide
// an API key or an Authorization bearer token" without one, 401 "Invalid API key or JWT" for a wrong one, as plain
// text from the auth middleware) and lib/storage's errors ("Not found: Collection `x` doesn't exist!", 404, and
// "Wrong input: ..." 400, both as {"status":{"error":..},"time":..}). Unproven against the real server beyond these.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StandInPoint {
  id: string | number;
  vector: number[];
  payload: Record<string, unknown>;
}

interface Collection {
  size: number;
  distance: string;
  points: Map<string, StandInPoint>;
}

export interface QdrantStandIn {
  url: string;
  /** Every request's method and path, in order (the tests check what was asked). */
  requests: { method: string; path: string }[];
  collections: Map<string, Collection>;
  /** The next request of any kind gets a cut connection (the server vanished mid-request). */
  cutNext(): void;
  close(): Promise<void>;
}

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** Qdrant's point ids: an unsigned integer, or a UUID (kept in its hyphenated lower-case form). */
function pointKey(id: unknown): string | null {
  if (typeof id === 'number' && Number.isSafeInteger(id) && id >= 0) return String(id);
  if (typeof id === 'string' && UUID.test(id)) {
    const h = id.replace(/-/g, '').toLowerCase();
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
  return null;
}

/** The one filter Jett sends: `must` of exact `match.value` conditions on payload keys. */
function matches(filter: unknown, payload: Record<string, unknown>): boolean {
  const must = (filter as { must?: { key: string; match: { value: unknown } }[] } | undefined)?.must ?? [];
  return must.every((c) => payload[c.key] === c.match.value);
}

export async function startQdrantStandIn(opts: { apiKey: string; port?: number }): Promise<QdrantStandIn> {
  const collections = new Map<string, Collection>();
  const requests: { method: string; path: string }[] = [];
  let cut = false;
  let operation = 0;
  const started = process.hrtime.bigint();
  const time = (): number => Number(process.hrtime.bigint() - started) / 1e9;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://stand-in');
      requests.push({ method: req.method ?? '', path: url.pathname });
      if (cut) {
        cut = false;
        req.socket.destroy();
        return;
      }
      const send = (status: number, body: unknown): void => {
        const text = JSON.stringify(body);
        res.writeHead(status, { 'content-type': 'application/json' }).end(text);
      };
      const ok = (result: unknown): void => send(200, { result, status: 'ok', time: time() });
      const fail = (status: number, error: string): void => send(status, { status: { error }, time: time() });
      const bearer = req.headers.authorization?.startsWith('Bearer ') ? req.headers.authorization.slice(7) : undefined;
      const key = (req.headers['api-key'] as string | undefined) ?? bearer;
      if (key === undefined) {
        res.writeHead(401, { 'content-type': 'text/plain' }).end('Must provide an API key or an Authorization bearer token');
        return;
      }
      if (key !== opts.apiKey) {
        res.writeHead(401, { 'content-type': 'text/plain' }).end('Invalid API key or JWT');
        return;
      }
      let body: Record<string, unknown> = {};
      try {
        if (chunks.length > 0) body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch (err) {
        fail(400, `Format error in JSON body: ${(err as Error).message}`);
        return;
      }
      const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
      if (parts[0] !== 'collections' || parts.length < 2) {
        res.writeHead(404).end();
        return;
      }
      const name = parts[1]!;
      const col = collections.get(name);
      const route = `${req.method} ${parts.slice(2).join('/')}`;
      if (route === 'PUT ') {
        if (col) return fail(409, `Wrong input: Collection \`${name}\` already exists!`);
        const vectors = body.vectors as { size?: unknown; distance?: unknown } | undefined;
        if (typeof vectors?.size !== 'number' || !['Cosine', 'Dot', 'Euclid', 'Manhattan'].includes(String(vectors.distance))) {
          return fail(400, 'Format error in JSON body: vectors: missing field `size` or `distance`');
        }
        collections.set(name, { size: vectors.size, distance: String(vectors.distance), points: new Map() });
        return ok(true);
      }
      if (!col) return fail(404, `Not found: Collection \`${name}\` doesn't exist!`);
      const updated = (): void => ok({ operation_id: operation++, status: url.searchParams.get('wait') === 'true' ? 'completed' : 'acknowledged' });
      if (route === 'GET ') {
        return ok({
          status: 'green',
          optimizer_status: 'ok',
          points_count: col.points.size,
          segments_count: 1,
          config: { params: { vectors: { size: col.size, distance: col.distance } } },
          payload_schema: {},
        });
      }
      if (route === 'PUT points') {
        const points = body.points;
        if (!Array.isArray(points)) return fail(400, 'Format error in JSON body: missing field `points`');
        const staged: [string, StandInPoint][] = [];
        for (const p of points as { id?: unknown; vector?: unknown; payload?: unknown }[]) {
          const k = pointKey(p.id);
          if (k === null) return fail(400, `Format error in JSON body: value ${JSON.stringify(p.id)} is not a valid point ID, valid values are either an unsigned integer or a UUID`);
          if (!Array.isArray(p.vector) || p.vector.length !== col.size) {
            return fail(400, `Wrong input: Vector dimension error: expected dim: ${col.size}, got ${Array.isArray(p.vector) ? p.vector.length : 0}`);
          }
          staged.push([k, { id: typeof p.id === 'number' ? p.id : k, vector: p.vector as number[], payload: (p.payload ?? {}) as Record<string, unknown> }]);
        }
        for (const [k, p] of staged) col.points.set(k, p);
        return updated();
      }
      if (route === 'POST points/delete') {
        if (Array.isArray(body.points)) {
          for (const id of body.points) {
            const k = pointKey(id);
            if (k === null) return fail(400, `Format error in JSON body: value ${JSON.stringify(id)} is not a valid point ID, valid values are either an unsigned integer or a UUID`);
            col.points.delete(k);
          }
        } else if (body.filter) {
          for (const [k, p] of col.points) if (matches(body.filter, p.payload)) col.points.delete(k);
        } else {
          return fail(400, 'Format error in JSON body: expected `points` or `filter`');
        }
        return updated();
      }
      if (route === 'POST points/scroll') {
        const all = [...col.points.values()].filter((p) => matches(body.filter, p.payload));
        return ok({ points: all.map((p) => ({ id: p.id, payload: p.payload, ...(body.with_vector === true ? { vector: p.vector } : {}) })), next_page_offset: null });
      }
      if (req.method === 'GET' && parts[2] === 'points' && parts.length === 4) {
        const k = pointKey(parts[3]);
        const p = k === null ? undefined : col.points.get(k);
        if (!p) return fail(404, `Not found: No point with id ${parts[3]} found`);
        return ok({ id: p.id, payload: p.payload, vector: p.vector });
      }
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    collections,
    cutNext: () => {
      cut = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
