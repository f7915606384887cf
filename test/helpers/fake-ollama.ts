// A loopback fake of Ollama's HTTP API, following its documented wire format: POST /api/chat streams NDJSON
// (`application/x-ndjson`, one {"model","created_at","message":{"role","content"},"done":false} per token, then
// a final object with "done":true, "done_reason" and the timing counters), POST /api/generate (an empty prompt
// loads the model: "done_reason":"load"), GET /api/tags, POST /api/pull (NDJSON progress, then "success"), and
// {"error": "..."} bodies for unknown models.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeOllamaOptions {
  /** Models that count as pulled. */
  models: string[];
  /** The reply's tokens for a chat request (default: a fixed sentence). */
  reply?: (body: ChatBody) => string[];
  /** Delay before each token, in ms. */
  tokenDelayMs?: number;
  /** Send an error object in the middle of the stream after this many tokens. */
  failAfterTokens?: number;
  /** Models POST /api/pull can fetch (each then counts as pulled); any other name fails as an unknown manifest. */
  pullable?: string[];
}

export interface ChatBody {
  model: string;
  messages: Array<{ role: string; content: string }>;
  stream?: boolean;
  keep_alive?: string | number;
}

export interface FakeOllama {
  url: string;
  requests: Array<{ path: string; body: unknown }>;
  /** Chat streams whose client went away before the final object was sent. */
  abortedStreams: number;
  /** Chat streams that ran to their final object. */
  completedStreams: number;
  close(): Promise<void>;
}

const DEFAULT_REPLY = ['Sure', ',', ' the', ' lights', ' in', ' the', ' kitchen', ' are', ' on', ' now', '.'];

export async function startFakeOllama(opts: FakeOllamaOptions): Promise<FakeOllama> {
  const state: FakeOllama = { url: '', requests: [], abortedStreams: 0, completedStreams: 0, close: async () => undefined };
  const now = () => new Date().toISOString();
  const notFound = (res: http.ServerResponse, model: string) => {
    res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify({ error: `model '${model}' not found` }));
  };
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => {
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      state.requests.push({ path: req.url ?? '', body });
      if (req.method === 'GET' && req.url === '/api/tags') {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        res.end(
          JSON.stringify({
            models: opts.models.map((name) => ({
              name,
              model: name,
              modified_at: '2026-01-01T00:00:00Z',
              size: 2019393189,
              digest: 'a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72',
              details: { parent_model: '', format: 'gguf', family: 'llama', families: ['llama'], parameter_size: '3.2B', quantization_level: 'Q4_K_M' },
            })),
          }),
        );
        return;
      }
      const model = String(body.model ?? '');
      if (req.method === 'POST' && req.url === '/api/pull') {
        // Ollama names the model `model`; older clients (ollama-js included) still send `name`.
        const wanted = String(body.model ?? body.name ?? '');
        res.writeHead(200, { 'content-type': 'application/x-ndjson' });
        if (!opts.pullable?.includes(wanted)) {
          res.end(`${JSON.stringify({ status: 'pulling manifest' })}\n${JSON.stringify({ error: 'pull model manifest: file does not exist' })}\n`);
          return;
        }
        const digest = 'sha256:3b8f1f2e5a';
        const lines = [
          { status: 'pulling manifest' },
          { status: `pulling ${digest.slice(7, 19)}`, digest, total: 2_500_000_000 },
          { status: `pulling ${digest.slice(7, 19)}`, digest, total: 2_500_000_000, completed: 1_000_000_000 },
          { status: `pulling ${digest.slice(7, 19)}`, digest, total: 2_500_000_000, completed: 2_500_000_000 },
          { status: 'verifying sha256 digest' },
          { status: 'writing manifest' },
          { status: 'success' },
        ];
        opts.models.push(wanted);
        res.end(lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
        return;
      }
      if (req.method === 'POST' && req.url === '/api/generate') {
        if (!opts.models.includes(model)) return notFound(res, model);
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ model, created_at: now(), response: '', done: true, done_reason: 'load' }));
        return;
      }
      if (req.method === 'POST' && req.url === '/api/chat') {
        if (!opts.models.includes(model)) return notFound(res, model);
        const tokens = opts.reply ? opts.reply(body as unknown as ChatBody) : DEFAULT_REPLY;
        res.writeHead(200, { 'content-type': 'application/x-ndjson' });
        let i = 0;
        let finished = false;
        res.on('close', () => {
          if (!finished) state.abortedStreams++;
        });
        const next = () => {
          if (res.destroyed) return;
          if (opts.failAfterTokens !== undefined && i === opts.failAfterTokens) {
            finished = true;
            res.end(`${JSON.stringify({ error: 'an error was encountered while running the model: unexpected EOF' })}\n`);
            return;
          }
          if (i < tokens.length) {
            res.write(`${JSON.stringify({ model, created_at: now(), message: { role: 'assistant', content: tokens[i++] }, done: false })}\n`);
            setTimeout(next, opts.tokenDelayMs ?? 0);
            return;
          }
          finished = true;
          state.completedStreams++;
          res.end(
            `${JSON.stringify({ model, created_at: now(), message: { role: 'assistant', content: '' }, done: true, done_reason: 'stop', total_duration: 4883583458, load_duration: 1334875, prompt_eval_count: 26, prompt_eval_duration: 342546000, eval_count: tokens.length, eval_duration: 4535599000 })}\n`,
          );
        };
        setTimeout(next, opts.tokenDelayMs ?? 0);
        return;
      }
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('404 page not found');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
