// The model manager's real download code against a loopback Hub: a complete pull, an interrupted transfer resumed
// with Range, a wrong checksum, 404, a stalled server, a full disk (checked first, and hit while writing), an
// unreachable server, an unpinned entry whose commit and checksums are recorded at the first pull and checked by
// every verify. After every failure nothing is installed.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Catalogue, type CatalogueEntry, InstalledRecordSchema, ModelDownloadProgressSchema, type ModelDownloadProgress } from '../../../main/core/contracts/models.js';
import { EventBus } from '../../../main/core/events/bus.js';
import { ChecksumError, DiskSpaceError, DownloadError } from '../../../main/core/voice/models/errors.js';
import { ModelManager, RECORD_FILE } from '../../../main/core/voice/models/manager.js';
import type { RenameDeps } from '../../../main/core/fs/rename-retry.js';
import { tempDir } from '../../helpers/tmp.js';
import { FakeHub, type HubFile } from './fake-hub.js';

const REPO = 'onnx-community/whisper-test';
const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

let files: HubFile[];
let hub: FakeHub;

beforeEach(async () => {
  files = [
    { repo: REPO, path: 'config.json', body: Buffer.from(JSON.stringify({ model_type: 'whisper' })) },
    FakeHub.randomFile(REPO, 'onnx/encoder_model.onnx', 300_000),
    FakeHub.randomFile(REPO, 'onnx/decoder_model_merged.onnx', 1_000_000),
  ];
  hub = await new FakeHub(files).start();
});
afterEach(() => hub.stop());

function entry(over: Partial<CatalogueEntry> = {}, pinned = true): CatalogueEntry {
  return {
    name: 'whisper-test',
    task: 'stt',
    engine: 'whisper',
    languages: 'en',
    description: 'test model',
    repo: REPO,
    revision: pinned ? hub.commit : null,
    sources: ['the test'],
    approxBytes: 1_400_000,
    files: files.map((f) => ({ path: f.path, bytes: pinned ? f.body.length : null, sha256: pinned ? sha(f.body) : null })),
    ...over,
  };
}

function manager(e: CatalogueEntry, opts: { dir?: string; freeBytes?: number; stallTimeoutMs?: number; progress?: ModelDownloadProgress[]; baseUrl?: string; bus?: EventBus; rename?: RenameDeps } = {}) {
  const catalogue: Catalogue = { version: 1, models: [e] };
  return new ModelManager({
    dir: opts.dir ?? tempDir('jett-models-'),
    catalogue,
    baseUrl: opts.baseUrl ?? hub.url,
    ...(opts.freeBytes !== undefined ? { freeBytes: () => opts.freeBytes! } : {}),
    ...(opts.stallTimeoutMs ? { stallTimeoutMs: opts.stallTimeoutMs } : {}),
    ...(opts.progress ? { onProgress: (p: ModelDownloadProgress) => opts.progress!.push(p) } : {}),
    ...(opts.bus ? { bus: opts.bus } : {}),
    ...(opts.rename ? { rename: opts.rename } : {}),
  });
}

function installedFiles(m: ModelManager): string[] {
  const dir = m.modelDir('whisper-test');
  return fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true }).map(String).sort() : [];
}

describe('pull', () => {
  it('downloads every file, checks it, records it and reports progress to the end', async () => {
    const progress: ModelDownloadProgress[] = [];
    const bus = new EventBus();
    const events: ModelDownloadProgress[] = [];
    bus.on('models.progress', (p) => events.push(p));
    const m = manager(entry(), { progress, bus });
    const res = await m.pull('whisper-test');
    expect(res).toMatchObject({ name: 'whisper-test', revision: hub.commit, bytes: 1_300_000 + files[0]!.body.length, resumedBytes: 0, alreadyInstalled: false });
    for (const f of files) expect(fs.readFileSync(path.join(m.modelDir('whisper-test'), f.path)).equals(f.body)).toBe(true);
    const record = InstalledRecordSchema.parse(JSON.parse(fs.readFileSync(path.join(m.modelDir('whisper-test'), RECORD_FILE), 'utf8')));
    expect(record.files.map((f) => f.sha256)).toEqual(files.map((f) => sha(f.body)));
    expect(record).toMatchObject({ revision: hub.commit, pinned: true });
    // The same steps go to the window as `models.progress` events on the bus, each fitting the contract.
    for (const p of progress) ModelDownloadProgressSchema.parse(p);
    expect(events).toEqual(progress);
    expect(new Set(progress.map((p) => p.file))).toEqual(new Set([...files.map((f) => f.path), '']));
    const received = progress.map((p) => p.receivedBytes);
    expect(received).toEqual([...received].sort((a, b) => a - b));
    expect(progress.at(-1)).toMatchObject({ phase: 'done', receivedBytes: res.bytes, totalBytes: res.bytes });
    expect(m.list()[0]).toMatchObject({ state: 'installed', verified: true, pinned: true });
    expect(await m.verify('whisper-test')).toMatchObject({ ok: true, catalogueChecked: true, problems: [] });
    // Large files came through the CDN redirect, at the pinned commit.
    expect(hub.requests.some((r) => r.url === `/${REPO}/resolve/${hub.commit}/onnx/encoder_model.onnx`)).toBe(true);
    expect(hub.requests.some((r) => r.url.startsWith('/cdn/'))).toBe(true);
    expect(await m.pull('whisper-test')).toMatchObject({ alreadyInstalled: true, downloadedBytes: 0 });
  });

  it('resumes an interrupted transfer with a Range request from where it stopped', async () => {
    const m = manager(entry());
    hub.fault('onnx/decoder_model_merged.onnx', { kind: 'cut', afterBytes: 400_000 });
    const err = await m.pull('whisper-test').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DownloadError);
    const got = Number((err as DownloadError).message.match(/^the transfer of whisper-test\/onnx\/decoder_model_merged\.onnx was interrupted after (\d+) bytes/)?.[1]);
    // The server sent 400000 bytes before it closed; the client keeps every byte it read.
    expect(got).toBeGreaterThan(0);
    expect(got).toBeLessThanOrEqual(400_000);
    expect((err as DownloadError).fix).toContain(`jett models pull whisper-test\` resumes from ${got} bytes`);
    expect(installedFiles(m)).toEqual([]);
    expect(m.state('whisper-test')).toBe('partial');

    const res = await m.pull('whisper-test');
    expect(hub.rangeRequests('onnx/decoder_model_merged.onnx')).toEqual([`bytes=${got}-`]);
    // Offsets count the file's own bytes: no compressed encoding is accepted.
    for (const r of hub.requests) expect(new Set(r.acceptEncoding?.split(/,\s*/))).toEqual(new Set(['identity']));
    // Only the missing part came again; the finished files were not fetched twice.
    expect(res).toMatchObject({ resumedBytes: got, downloadedBytes: 1_000_000 - got });
    expect(hub.requests.filter((r) => r.url.endsWith('/onnx/encoder_model.onnx'))).toHaveLength(1);
    expect(fs.readFileSync(path.join(m.modelDir('whisper-test'), 'onnx/decoder_model_merged.onnx')).equals(files[2]!.body)).toBe(true);
    expect((await m.verify('whisper-test')).ok).toBe(true);
  });

  it('starts over when the server ignores the Range header', async () => {
    const m = manager(entry());
    hub.fault('onnx/decoder_model_merged.onnx', { kind: 'cut', afterBytes: 100_000 });
    hub.fault('onnx/decoder_model_merged.onnx', { kind: 'ignore-range' });
    await expect(m.pull('whisper-test')).rejects.toThrow(DownloadError);
    const res = await m.pull('whisper-test');
    expect(res.resumedBytes).toBe(0);
    expect(fs.readFileSync(path.join(m.modelDir('whisper-test'), 'onnx/decoder_model_merged.onnx')).equals(files[2]!.body)).toBe(true);
  });

  it('rejects a file whose sha256 differs, deletes it and installs nothing', async () => {
    const bad = entry();
    bad.files[1] = { ...bad.files[1]!, sha256: sha(Buffer.from('something else')) };
    const m = manager(bad);
    const err = await m.pull('whisper-test').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChecksumError);
    expect((err as ChecksumError).message).toContain(`whisper-test/onnx/encoder_model.onnx has sha256 ${sha(files[1]!.body)}, expected`);
    expect(installedFiles(m)).toEqual([]);
    expect(fs.existsSync(path.join(m.dir, '.partial', 'whisper-test', 'onnx', 'encoder_model.onnx.part'))).toBe(false);
  });

  it('reports a file the server does not have (404) and installs nothing', async () => {
    const missing = entry();
    missing.files.push({ path: 'tokenizer.json', bytes: 10, sha256: sha(Buffer.from('0123456789')) });
    const m = manager(missing);
    const err = await m.pull('whisper-test').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DownloadError);
    expect((err as DownloadError).message).toMatch(/whisper-test\/tokenizer\.json is not on the server \(HTTP 404/);
    expect(installedFiles(m)).toEqual([]);
  });

  it('says a refused file (401/403) may be gated, and a server error (5xx) is worth a retry', async () => {
    const m = manager(entry());
    hub.fault('onnx/encoder_model.onnx', { kind: 'status', code: 401 });
    await expect(m.pull('whisper-test')).rejects.toThrow(/refused whisper-test\/onnx\/encoder_model\.onnx \(HTTP 401\): the repository may be gated, private or moved/);
    hub.fault('onnx/encoder_model.onnx', { kind: 'status', code: 503 });
    const err = await m.pull('whisper-test').catch((e: unknown) => e);
    expect((err as DownloadError).message).toMatch(/fetching whisper-test\/onnx\/encoder_model\.onnx failed: HTTP 503/);
    expect((err as DownloadError).fix).toMatch(/try again later/);
    expect(installedFiles(m)).toEqual([]);
    expect((await m.pull('whisper-test')).alreadyInstalled).toBe(false);
  });

  it('gives up on a stalled server with the bytes it has, and resumes from them later', async () => {
    const m = manager(entry(), { stallTimeoutMs: 1000 });
    hub.fault('onnx/encoder_model.onnx', { kind: 'stall', afterBytes: 50_000 });
    const err = await m.pull('whisper-test').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DownloadError);
    expect((err as DownloadError).message).toMatch(/no data for 1 s while fetching whisper-test\/onnx\/encoder_model\.onnx \(50000 bytes so far\)/);
    expect(installedFiles(m)).toEqual([]);
    const res = await m.pull('whisper-test');
    expect(res.resumedBytes).toBe(50_000);
    expect((await m.verify('whisper-test')).ok).toBe(true);
  });

  it('gives up on a server that never answers, and installs nothing', async () => {
    const m = manager(entry(), { stallTimeoutMs: 1000 });
    hub.fault('onnx/encoder_model.onnx', { kind: 'silent' });
    const err = await m.pull('whisper-test').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DownloadError);
    expect((err as DownloadError).message).toMatch(/^127\.0\.0\.1:\d+ sent no answer for whisper-test\/onnx\/encoder_model\.onnx within 1 s$/);
    expect(installedFiles(m)).toEqual([]);
    expect((await m.pull('whisper-test')).alreadyInstalled).toBe(false);
  });

  it('checks free disk before downloading anything', async () => {
    const m = manager(entry(), { freeBytes: 10_000_000 });
    const err = await m.pull('whisper-test').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DiskSpaceError);
    expect((err as DiskSpaceError).message).toMatch(/whisper-test needs about 68 MB free .* only 10 MB is free: nothing was downloaded/);
    expect(hub.requests).toEqual([]);
  });

  it('reports a disk that fills up while writing (ENOSPC from /dev/full) and installs nothing', async () => {
    const m = manager(entry());
    const part = path.join(m.dir, '.partial', 'whisper-test', 'onnx', 'encoder_model.onnx.part');
    fs.mkdirSync(path.dirname(part), { recursive: true });
    fs.symlinkSync('/dev/full', part);
    const err = await m.pull('whisper-test').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DiskSpaceError);
    expect((err as DiskSpaceError).message).toMatch(/the disk filled up while writing whisper-test\/onnx\/encoder_model\.onnx/);
    expect((err as DiskSpaceError).fix).toContain('free some space');
    expect(installedFiles(m)).toEqual([]);
  });

  it('says the server cannot be reached when offline, and installs nothing', async () => {
    await hub.stop();
    const m = manager(entry());
    const err = await m.pull('whisper-test').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DownloadError);
    expect((err as DownloadError).message).toMatch(/cannot reach 127\.0\.0\.1:\d+ for whisper-test\/config\.json: ECONNREFUSED/);
    expect(installedFiles(m)).toEqual([]);
    hub = await new FakeHub(files).start();
  });
});

describe('one pull at a time', () => {
  it('refuses a second pull of the same model while one runs, and takes over the lock of a pull that died', async () => {
    const dir = tempDir('jett-models-');
    const m = manager(entry(), { dir, stallTimeoutMs: 2000 });
    hub.fault('onnx/encoder_model.onnx', { kind: 'stall', afterBytes: 1000 });
    const first = m.pull('whisper-test').catch((e: unknown) => e);
    await expect.poll(() => hub.requests.some((r) => r.url.startsWith('/cdn/'))).toBe(true);
    await expect(manager(entry(), { dir }).pull('whisper-test')).rejects.toThrow(`another pull of whisper-test is running (pid ${process.pid})`);
    expect(await first).toBeInstanceOf(DownloadError);

    // A lock left by a process that no longer exists does not block the next pull.
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
    fs.writeFileSync(path.join(dir, '.partial', 'whisper-test.lock'), String(gone));
    expect((await manager(entry(), { dir }).pull('whisper-test')).resumedBytes).toBe(1000);
  });

  it('drops a partial download made for another pinned commit', async () => {
    const dir = tempDir('jett-models-');
    const other = 'b'.repeat(40);
    const hub2 = await new FakeHub(files, [other]).start();
    try {
      hub2.fault('onnx/decoder_model_merged.onnx', { kind: 'cut', afterBytes: 5000 });
      await expect(manager(entry({ revision: hub2.commit }), { dir, baseUrl: hub2.url }).pull('whisper-test')).rejects.toThrow(/interrupted after \d+ bytes/);
      // Jett's catalogue now pins another commit: nothing of the old partial download is kept.
      const res = await manager(entry({ revision: other }), { dir, baseUrl: hub2.url }).pull('whisper-test');
      expect(res).toMatchObject({ resumedBytes: 0, revision: other });
      expect(hub2.rangeRequests('onnx/decoder_model_merged.onnx')).toEqual([]);
    } finally {
      await hub2.stop();
    }
  });
});

describe('an unpinned, unverified entry', () => {
  it('records the commit that answered and the sha256 of the first download, and verify holds later files to them', async () => {
    const m = manager(entry({}, false));
    expect(m.list()[0]).toMatchObject({ pinned: false, verified: false, revision: null, bytesExact: false });
    const res = await m.pull('whisper-test');
    expect(res.revision).toBe(hub.commit);
    // The first file came from `main`; the rest from the commit `main` resolved to.
    expect(hub.requests.find((r) => r.url.endsWith('/config.json'))?.url).toBe(`/${REPO}/resolve/main/config.json`);
    expect(hub.requests.some((r) => r.url === `/${REPO}/resolve/${hub.commit}/onnx/encoder_model.onnx`)).toBe(true);
    const listed = m.list()[0]!;
    expect(listed).toMatchObject({ revision: hub.commit, state: 'installed', bytesExact: true });
    expect(listed.files.map((f) => f.sha256)).toEqual(files.map((f) => sha(f.body)));
    expect(await m.verify('whisper-test')).toMatchObject({ ok: true, catalogueChecked: false });

    const file = path.join(m.modelDir('whisper-test'), 'onnx/encoder_model.onnx');
    const bytes = fs.readFileSync(file);
    bytes[1000] = bytes[1000]! ^ 0xff;
    fs.writeFileSync(file, bytes);
    const bad = await m.verify('whisper-test');
    expect(bad.ok).toBe(false);
    expect(bad.problems).toEqual([expect.objectContaining({ path: 'onnx/encoder_model.onnx', problem: 'sha256' })]);
    fs.rmSync(path.join(m.modelDir('whisper-test'), 'config.json'));
    expect((await m.verify('whisper-test')).problems).toContainEqual(expect.objectContaining({ path: 'config.json', problem: 'missing' }));
  });
});

describe('pull --force and remove', () => {
  it('replaces an installed model in one rename and removes it with its partial download', async () => {
    const m = manager(entry());
    await m.pull('whisper-test');
    const again = await m.pull('whisper-test', { force: true });
    expect(again).toMatchObject({ alreadyInstalled: false, downloadedBytes: again.bytes });
    expect(fs.readdirSync(path.join(m.dir, '.partial'))).toEqual([]);
    hub.fault('onnx/decoder_model_merged.onnx', { kind: 'cut', afterBytes: 1000 });
    await expect(m.pull('whisper-test', { force: true })).rejects.toThrow(DownloadError);
    // The failed re-download left the installed model as it was.
    expect((await m.verify('whisper-test')).ok).toBe(true);
    expect(m.remove('whisper-test')).toEqual({ removed: true });
    expect(m.state('whisper-test')).toBe('not-installed');
    expect(fs.existsSync(path.join(m.dir, '.partial', 'whisper-test'))).toBe(false);
    expect(m.remove('whisper-test')).toEqual({ removed: false });
  });
});

describe('renames an antivirus scan holds (Windows)', () => {
  /** Real renames, but the first `failures` renames of anything onto the model folder fail as a held folder does. */
  function heldBy(failures: number, code: 'EPERM' | 'EBUSY', target: () => string) {
    let failed = 0;
    const waits: number[] = [];
    const rename: RenameDeps = {
      renameSync: (from, to) => {
        if (to === target() && failed < failures) {
          failed++;
          throw Object.assign(new Error(`${code}: operation not permitted, rename '${from}' -> '${to}'`), { code });
        }
        fs.renameSync(from, to);
      },
      sleep: async (ms) => void waits.push(ms),
    };
    return { rename, waits, failed: () => failed };
  }

  it('installs the model once the folder is let go', async () => {
    let m: ModelManager | null = null;
    const held = heldBy(6, 'EPERM', () => m!.modelDir('whisper-test'));
    m = manager(entry(), { rename: held.rename });
    await m.pull('whisper-test');
    expect(held.failed()).toBe(6);
    expect(held.waits).toHaveLength(6);
    expect(m.list().find((x) => x.name === 'whisper-test')?.state).toBe('installed');
    for (const f of files) expect(fs.readFileSync(path.join(m.modelDir('whisper-test'), f.path)).equals(f.body)).toBe(true);
  });

  it('on pull --force keeps the old model in place when the new one cannot take its place', async () => {
    const dir = tempDir('jett-models-');
    await manager(entry(), { dir }).pull('whisper-test');
    let m: ModelManager | null = null;
    // Held for longer than the retries last, except for the renames that put the old folder back.
    let swapped = false;
    const rename: RenameDeps = {
      renameSync: (from, to) => {
        if (to === m!.modelDir('whisper-test') && from.includes('.partial') && !from.includes('.old-')) {
          swapped = true;
          throw Object.assign(new Error('EBUSY: resource busy or locked'), { code: 'EBUSY' });
        }
        fs.renameSync(from, to);
      },
      sleep: async () => {},
    };
    m = manager(entry(), { dir, rename });
    await expect(m.pull('whisper-test', { force: true })).rejects.toMatchObject({ code: 'EBUSY' });
    expect(swapped).toBe(true);
    expect(m.list().find((x) => x.name === 'whisper-test')?.state).toBe('installed');
    for (const f of files) expect(fs.readFileSync(path.join(m.modelDir('whisper-test'), f.path)).equals(f.body)).toBe(true);
  });
});
