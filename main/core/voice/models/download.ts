// One resumable HTTP download into a `.part` file: continues with a Range request from what is already there,
// hashes as it writes, gives up on a server that stops sending, and turns every failure into a DownloadError,
// ChecksumError or DiskSpaceError that says what to do. The caller moves the finished file into place.
import { createHash, type Hash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ChecksumError, DiskSpaceError, DownloadError } from './errors.js';

export interface DownloadRequest {
  url: string;
  /** The partial file; created, appended to, or restarted as the server allows. */
  partFile: string;
  expectedBytes: number | null;
  expectedSha256: string | null;
  /** What to call it in messages, e.g. "whisper-base/onnx/encoder_model.onnx". */
  label: string;
  /** The command that resumes, for the fix of an interrupted transfer. */
  resumeHint: string;
  signal?: AbortSignal;
  /** Give up when no byte arrives for this long (a stalled or far too slow server). */
  stallTimeoutMs?: number;
  /** Cumulative bytes of this file, resumed bytes included. */
  onBytes?: (received: number) => void;
}

export interface DownloadResult {
  bytes: number;
  sha256: string;
  /** Bytes that were already in the partial file and not fetched again. */
  resumedBytes: number;
  /** The commit the server says the file came from (Hugging Face's X-Repo-Commit), if it said. */
  revision: string | null;
}

const MAX_REDIRECTS = 5;
const DEFAULT_STALL_MS = 30_000;

async function hashExisting(file: string, hash: Hash): Promise<number> {
  let size = 0;
  try {
    // Only a regular file can hold a prefix of the download; anything else is written over, never read.
    if (!fs.statSync(file).isFile()) return 0;
    for await (const chunk of fs.createReadStream(file)) {
      hash.update(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
  return size;
}

function networkReason(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err as Error).message;
}

/** Follows redirects by hand so the first answer's headers (the resolved commit) are not lost. */
async function request(url: string, headers: Record<string, string>, signal: AbortSignal, label: string): Promise<{ res: Response; revision: string | null }> {
  let current = url;
  let revision: string | null = null;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    let res: Response;
    try {
      res = await fetch(current, { headers, redirect: 'manual', signal });
    } catch (err) {
      if (signal.aborted) throw err;
      throw new DownloadError(`cannot reach ${new URL(current).host} for ${label}: ${networkReason(err)}`, 'check the network connection (or HF_ENDPOINT), then pull again: nothing was installed, and what arrived is kept to resume', { cause: err });
    }
    revision ??= res.headers.get('x-repo-commit');
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      await res.body?.cancel();
      current = new URL(location, current).toString();
      continue;
    }
    return { res, revision };
  }
  throw new DownloadError(`too many redirects fetching ${label}`, 'check HF_ENDPOINT, or try again later');
}

// Parses "Content-Range: bytes START-END/TOTAL", or "bytes */TOTAL" (the answer to a range past the end).
function contentRange(value: string | null): { start: number | null; total: number | null } {
  const m = value?.match(/^bytes (?:(\d+)-\d+|\*)\/(\d+|\*)$/);
  if (!m) return { start: null, total: null };
  return { start: m[1] === undefined ? null : Number(m[1]), total: m[2] === '*' || m[2] === undefined ? null : Number(m[2]) };
}

export async function downloadFile(req: DownloadRequest): Promise<DownloadResult> {
  fs.mkdirSync(path.dirname(req.partFile), { recursive: true });
  const controller = new AbortController();
  const onOuterAbort = () => controller.abort(req.signal?.reason);
  req.signal?.addEventListener('abort', onOuterAbort, { once: true });
  try {
    return await attempt(req, controller, true);
  } finally {
    req.signal?.removeEventListener('abort', onOuterAbort);
  }
}

async function attempt(req: DownloadRequest, controller: AbortController, mayResume: boolean): Promise<DownloadResult> {
  const hash = createHash('sha256');
  const have = mayResume ? await hashExisting(req.partFile, hash) : 0;
  if (!mayResume) fs.rmSync(req.partFile, { force: true });
  if (req.expectedBytes !== null && have > req.expectedBytes) {
    // More than the file can hold: the partial file is not a prefix of it.
    return attempt(req, controller, false);
  }
  if (req.expectedBytes !== null && have === req.expectedBytes && have > 0) {
    return finish(req, hash, have, have, null);
  }

  // Identity encoding: a Range offset must count the file's own bytes, not those of a compressed stream.
  const headers: Record<string, string> = { 'user-agent': 'jett-desktop-model-manager', 'accept-encoding': 'identity' };
  if (have > 0) headers.range = `bytes=${have}-`;
  const { res, revision } = await answered(req, controller, () => request(req.url, headers, controller.signal, req.label));

  if (res.status === 416 && have > 0) {
    await res.body?.cancel();
    const { total } = contentRange(res.headers.get('content-range'));
    if (total === have) return finish(req, hash, have, have, revision);
    return attempt(req, controller, false);
  }
  if (res.status === 404) {
    await res.body?.cancel();
    throw new DownloadError(`${req.label} is not on the server (HTTP 404 from ${req.url})`, 'the catalogue entry may be out of date: update Jett, or check the repository and revision in resources/models/catalogue.json');
  }
  if (res.status === 401 || res.status === 403) {
    await res.body?.cancel();
    throw new DownloadError(`${new URL(req.url).host} refused ${req.label} (HTTP ${res.status}): the repository may be gated, private or moved`, 'check the repository of this model in resources/models/catalogue.json, or update Jett; Jett sends no Hugging Face token');
  }
  if (res.status !== 200 && res.status !== 206) {
    await res.body?.cancel();
    throw new DownloadError(`fetching ${req.label} failed: HTTP ${res.status} from ${new URL(req.url).host}`, `try again later (${req.resumeHint} resumes)`);
  }
  if (!res.body) throw new DownloadError(`the server sent no body for ${req.label}`, `try again later (${req.resumeHint} resumes)`);

  const resumedBytes = res.status === 206 ? have : 0;
  if (res.status === 206) {
    const { start } = contentRange(res.headers.get('content-range'));
    if (start !== have) {
      await res.body.cancel();
      return attempt(req, controller, false);
    }
  } else if (have > 0) {
    // The server ignored the Range header: start over from byte 0.
    fs.rmSync(req.partFile, { force: true });
    return streamBody(req, res, controller, createHash('sha256'), 0, 0, revision);
  }
  return streamBody(req, res, controller, hash, have, resumedBytes, revision);
}

/** The request, given up when the server sends no answer at all within the stall time. */
async function answered<T>(req: DownloadRequest, controller: AbortController, send: () => Promise<T>): Promise<T> {
  const stallMs = req.stallTimeoutMs ?? DEFAULT_STALL_MS;
  let silent = false;
  const timer = setTimeout(() => {
    silent = true;
    controller.abort(new Error('no answer'));
  }, stallMs);
  try {
    return await send();
  } catch (err) {
    if (!silent) throw err;
    throw new DownloadError(`${new URL(req.url).host} sent no answer for ${req.label} within ${describeMs(stallMs)}`, `the server is down or far too slow: try again later (${req.resumeHint} resumes)`, { cause: err });
  } finally {
    clearTimeout(timer);
  }
}

function describeMs(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`;
}

async function streamBody(req: DownloadRequest, res: Response, controller: AbortController, hash: Hash, have: number, resumedBytes: number, revision: string | null): Promise<DownloadResult> {
  const stallMs = req.stallTimeoutMs ?? DEFAULT_STALL_MS;
  let stalled = false;
  let timer = setTimeout(onStall, stallMs);
  function onStall() {
    stalled = true;
    controller.abort(new Error('stalled'));
  }
  const out = fs.createWriteStream(req.partFile, { flags: 'a' });
  const writeError = new Promise<never>((_, reject) => out.once('error', reject));
  writeError.catch(() => undefined);
  let received = have;
  req.onBytes?.(received);
  try {
    const reader = res.body!.getReader();
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), writeError]);
      if (done) break;
      clearTimeout(timer);
      timer = setTimeout(onStall, stallMs);
      hash.update(value);
      received += value.length;
      if (!out.write(value)) await Promise.race([new Promise<void>((r) => out.once('drain', () => r())), writeError]);
      req.onBytes?.(received);
    }
    await Promise.race([new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve()))), writeError]);
  } catch (err) {
    out.destroy();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || code === 'EDQUOT') {
      throw new DiskSpaceError(`the disk filled up while writing ${req.label} (${received} bytes written)`, `free some space on ${path.dirname(req.partFile)}, then ${req.resumeHint}: it resumes`, { cause: err });
    }
    if (stalled) {
      throw new DownloadError(`no data for ${describeMs(stallMs)} while fetching ${req.label} (${received} bytes so far)`, `the server is too slow or stalled: ${req.resumeHint} resumes from ${received} bytes`, { cause: err });
    }
    if (req.signal?.aborted) throw err;
    throw new DownloadError(`the transfer of ${req.label} was interrupted after ${received} bytes: ${networkReason(err)}`, `${req.resumeHint} resumes from ${received} bytes`, { cause: err });
  } finally {
    clearTimeout(timer);
  }
  return finish(req, hash, received, resumedBytes, revision);
}

function finish(req: DownloadRequest, hash: Hash, bytes: number, resumedBytes: number, revision: string | null): DownloadResult {
  const sha256 = hash.digest('hex');
  if (req.expectedBytes !== null && bytes !== req.expectedBytes) {
    if (bytes > req.expectedBytes) fs.rmSync(req.partFile, { force: true });
    throw new DownloadError(
      `${req.label} ended at ${bytes} bytes, expected ${req.expectedBytes}`,
      bytes < req.expectedBytes ? `${req.resumeHint} resumes from ${bytes} bytes` : `the file on the server changed: update Jett's catalogue, then ${req.resumeHint}`,
    );
  }
  if (req.expectedSha256 !== null && sha256 !== req.expectedSha256) {
    fs.rmSync(req.partFile, { force: true });
    throw new ChecksumError(
      `${req.label} has sha256 ${sha256}, expected ${req.expectedSha256}: the download was deleted, nothing was installed`,
      `${req.resumeHint} to fetch it again; if it fails the same way, the file on the server differs from the catalogue (update Jett)`,
    );
  }
  return { bytes, sha256, resumedBytes, revision };
}
