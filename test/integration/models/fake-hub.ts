// A loopback stand-in for the Hugging Face Hub's file API, as the model manager meets it: GET
// /{owner}/{repo}/resolve/{revision}/{path} answers small files directly and large (LFS) files with a 302 to a
// CDN path, both with the X-Repo-Commit header; the CDN honours Range with 206/Content-Range and 416. Faults on
// request: cut the connection, stall, or ignore Range; every request is recorded.
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault = { kind: 'cut'; afterBytes: number } | { kind: 'stall'; afterBytes: number } | { kind: 'ignore-range' } | { kind: 'silent' } | { kind: 'status'; code: number };

export interface HubFile {
  repo: string;
  path: string;
  body: Buffer;
}

export interface HubRequest {
  url: string;
  range: string | null;
  acceptEncoding: string | null;
}

/** Files at least this large are served like LFS objects: through a redirect to the CDN. */
const LFS_THRESHOLD = 1000;

export class FakeHub {
  readonly requests: HubRequest[] = [];
  readonly commit = crypto.randomBytes(20).toString('hex');
  private readonly faults = new Map<string, Fault[]>();
  private readonly sockets = new Set<import('node:net').Socket>();
  private server!: http.Server;
  url = '';

  /** `pinned`: further commits the Hub answers for, besides `main` and its own commit. */
  constructor(
    private readonly files: HubFile[],
    private readonly pinned: string[] = [],
  ) {}

  static randomFile(repo: string, path: string, bytes: number): HubFile {
    return { repo, path, body: crypto.randomBytes(bytes) };
  }

  /** The next request for this file path meets the fault (queued: one fault per request). */
  fault(path: string, f: Fault): void {
    this.faults.set(path, [...(this.faults.get(path) ?? []), f]);
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  rangeRequests(path: string): string[] {
    return this.requests.filter((r) => r.url.endsWith(`/${path}`) && r.range).map((r) => r.range!);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = decodeURIComponent(req.url ?? '');
    this.requests.push({ url, range: req.headers.range ?? null, acceptEncoding: req.headers['accept-encoding'] ?? null });
    const early = [...this.faults.entries()].find(([p, q]) => url.endsWith(`/${p}`) && (q[0]?.kind === 'silent' || q[0]?.kind === 'status'));
    if (early) {
      const fault = early[1].shift()!;
      // 'silent' accepts the request and never answers: no status line, no headers.
      if (fault.kind === 'status') res.writeHead(fault.code, { 'content-type': 'text/plain' }).end('refused');
      return;
    }
    const cdn = url.match(/^\/cdn\/(\d+)$/);
    if (cdn) return this.serve(this.files[Number(cdn[1])]!, req, res);
    const m = url.match(/^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/);
    const index = m ? this.files.findIndex((f) => f.repo === m[1] && f.path === m[3]) : -1;
    if (!m || index < 0 || (m[2] !== 'main' && m[2] !== this.commit && !this.pinned.includes(m[2]!))) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Entry not found');
      return;
    }
    if (this.files[index]!.body.length >= LFS_THRESHOLD) {
      res.writeHead(302, { location: `/cdn/${index}`, 'x-repo-commit': this.commit }).end();
      return;
    }
    res.setHeader('x-repo-commit', this.commit);
    this.serve(this.files[index]!, req, res);
  }

  private serve(file: HubFile, req: http.IncomingMessage, res: http.ServerResponse): void {
    const queue = this.faults.get(file.path) ?? [];
    const fault = queue.shift();
    const size = file.body.length;
    let start = 0;
    const range = req.headers.range?.match(/^bytes=(\d+)-$/);
    if (range && fault?.kind !== 'ignore-range') {
      start = Number(range[1]);
      if (start >= size) {
        res.writeHead(416, { 'content-range': `bytes */${size}` }).end();
        return;
      }
      res.writeHead(206, { 'content-range': `bytes ${start}-${size - 1}/${size}`, 'content-length': size - start, 'accept-ranges': 'bytes' });
    } else {
      res.writeHead(200, { 'content-length': size, 'accept-ranges': 'bytes' });
    }
    const rest = file.body.subarray(start);
    if (fault?.kind === 'cut') {
      // Half-closes after the bytes (a FIN, not a reset), so they all reach the client before the end.
      res.write(rest.subarray(0, fault.afterBytes), () => res.socket?.end());
      return;
    }
    if (fault?.kind === 'stall') {
      // Sends a little, then nothing more: the connection stays open until the client gives up.
      res.write(rest.subarray(0, fault.afterBytes));
      return;
    }
    res.end(rest);
  }
}
