// The model manager behind `jett models list|pull|verify|remove`: downloads a catalogue entry's files into a
// staging folder (resumable across runs), checks each against the catalogue, records what arrived, and only then
// moves the folder into place in one rename, so a model folder is either complete or absent.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { InstalledRecordSchema, type Catalogue, type CatalogueEntry, type InstalledRecord, type ModelDownloadProgress, type ModelsListOutput, type ModelsPullOutput, type ModelsVerifyOutput } from '../../contracts/models.js';
import { entryBytes, findEntry, isVerified } from './catalogue.js';
import { downloadFile } from './download.js';
import { realRename, renameRetrying, type RenameDeps } from '../../fs/rename-retry.js';
import type { EventBus } from '../../events/bus.js';
import { DiskSpaceError, ModelError } from './errors.js';

export const RECORD_FILE = 'jett-model.json';
const PULL_STATE_FILE = 'jett-pull.json';
const STAGING_DIR = '.partial';
/** Room left over after a download, so the disk is not filled to the last byte. */
const DISK_MARGIN_BYTES = 64 * 1024 * 1024;

const PullStateSchema = z.object({
  revision: z.string().nullable(),
  done: z.record(z.string(), z.object({ bytes: z.number().int(), sha256: z.string() })),
});
type PullState = z.infer<typeof PullStateSchema>;

export interface ModelManagerOptions {
  dir: string;
  catalogue: Catalogue;
  /** Hugging Face or a mirror (HF_ENDPOINT); tests point it at a loopback server. */
  baseUrl?: string;
  /** Free bytes on the file system of `dir`; statfs unless a test says otherwise. */
  freeBytes?: (dir: string) => number;
  stallTimeoutMs?: number;
  onProgress?: (p: ModelDownloadProgress) => void;
  /** Where the window hears about downloads: each progress step is also a `models.progress` event. */
  bus?: EventBus;
  /** The renames that put files and folders in place, retried while an antivirus scan holds them; tests inject it. */
  rename?: RenameDeps;
}

export type VerifyResult = ModelsVerifyOutput['results'][number];

export function statfsFreeBytes(dir: string): number {
  const s = fs.statfsSync(dir);
  return s.bavail * s.bsize;
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function dirBytes(dir: string): number {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) total += fs.statSync(path.join(e.parentPath, e.name)).size;
  }
  return total;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, it is just not ours to signal.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class ModelManager {
  readonly dir: string;
  private readonly baseUrl: string;

  private readonly progress: (p: ModelDownloadProgress) => void;

  constructor(private readonly opts: ModelManagerOptions) {
    this.dir = opts.dir;
    this.progress = (p) => {
      opts.onProgress?.(p);
      opts.bus?.emit('models.progress', p);
    };
    this.baseUrl = (opts.baseUrl ?? 'https://huggingface.co').replace(/\/+$/, '');
  }

  modelDir(name: string): string {
    return path.join(this.dir, name);
  }

  private stagingDir(name: string): string {
    return path.join(this.dir, STAGING_DIR, name);
  }

  readRecord(name: string): InstalledRecord | null {
    const file = path.join(this.modelDir(name), RECORD_FILE);
    let raw: string;
    try {
      raw = fs.readFileSync(file, 'utf8');
    } catch {
      return null;
    }
    let json: unknown = null;
    try {
      json = JSON.parse(raw);
    } catch {
      // Reported below as an invalid record.
    }
    const parsed = InstalledRecordSchema.safeParse(json);
    if (!parsed.success) throw new ModelError(`${file} is not a valid install record`, `remove the model (\`jett models remove ${name}\`) and pull it again`);
    return parsed.data;
  }

  state(name: string): 'installed' | 'partial' | 'not-installed' {
    if (fs.existsSync(path.join(this.modelDir(name), RECORD_FILE))) return 'installed';
    return fs.existsSync(this.stagingDir(name)) ? 'partial' : 'not-installed';
  }

  list(): ModelsListOutput['models'] {
    return this.opts.catalogue.models.map((entry) => {
      const record = this.state(entry.name) === 'installed' ? this.readRecord(entry.name) : null;
      const size = entryBytes(entry);
      return {
        name: entry.name,
        task: entry.task,
        languages: entry.languages,
        repo: entry.repo,
        revision: entry.revision ?? record?.revision ?? null,
        pinned: entry.revision !== null,
        verified: isVerified(entry),
        bytes: record ? record.files.reduce((s, f) => s + f.bytes, 0) : size.bytes,
        bytesExact: record ? true : size.exact,
        state: this.state(entry.name),
        files: entry.files.map((f) => {
          const got = record?.files.find((r) => r.path === f.path);
          return { path: f.path, bytes: f.bytes ?? got?.bytes ?? null, sha256: f.sha256 ?? got?.sha256 ?? null };
        }),
      };
    });
  }

  private url(entry: CatalogueEntry, revision: string, file: string): string {
    return `${this.baseUrl}/${entry.repo}/resolve/${encodeURIComponent(revision)}/${file.split('/').map(encodeURIComponent).join('/')}`;
  }

  private checkDisk(entry: CatalogueEntry, staging: string): void {
    fs.mkdirSync(this.dir, { recursive: true });
    const { bytes } = entryBytes(entry);
    const already = fs.existsSync(staging) ? dirBytes(staging) : 0;
    const need = Math.max(0, bytes - already) + DISK_MARGIN_BYTES;
    const free = (this.opts.freeBytes ?? statfsFreeBytes)(this.dir);
    if (free < need) {
      const mb = (n: number) => `${(n / 1e6).toFixed(0)} MB`;
      throw new DiskSpaceError(`${entry.name} needs about ${mb(need)} free in ${this.dir}, and only ${mb(free)} is free: nothing was downloaded`, 'free some disk space, or set models.dir to a folder on a larger disk');
    }
  }

  async pull(name: string, opts: { force?: boolean; signal?: AbortSignal } = {}): Promise<ModelsPullOutput> {
    const entry = findEntry(this.opts.catalogue, name);
    const target = this.modelDir(name);
    const existing = this.state(name) === 'installed' ? this.readRecord(name) : null;
    if (existing && !opts.force) {
      return { name, dir: target, revision: existing.revision, bytes: existing.files.reduce((s, f) => s + f.bytes, 0), downloadedBytes: 0, resumedBytes: 0, alreadyInstalled: true };
    }
    const staging = this.stagingDir(name);
    this.checkDisk(entry, staging);
    const release = this.lock(name);
    try {
      return await this.download(entry, staging, target, opts.signal);
    } finally {
      release();
    }
  }

  /** One pull of a model at a time (the CLI and the agent share the folder); a lock whose process is gone is taken over. */
  private lock(name: string): () => void {
    const file = path.join(this.dir, STAGING_DIR, `${name}.lock`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
        return () => fs.rmSync(file, { force: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const pid = Number(fs.readFileSync(file, 'utf8'));
        if (Number.isInteger(pid) && pid > 0 && processAlive(pid)) {
          throw new ModelError(`another pull of ${name} is running (pid ${pid})`, 'wait for it to finish; it resumes from the same partial files if stopped');
        }
        fs.rmSync(file, { force: true });
      }
    }
    throw new ModelError(`cannot lock ${file}`, `remove it if no \`jett models pull ${name}\` is running`);
  }

  private async download(entry: CatalogueEntry, staging: string, target: string, signal: AbortSignal | undefined): Promise<ModelsPullOutput> {
    const name = entry.name;
    fs.mkdirSync(staging, { recursive: true });
    const stateFile = path.join(staging, PULL_STATE_FILE);
    let state: PullState = fs.existsSync(stateFile) ? PullStateSchema.parse(JSON.parse(fs.readFileSync(stateFile, 'utf8'))) : { revision: entry.revision, done: {} };
    if (entry.revision !== null && state.revision !== entry.revision) {
      // The catalogue moved to another commit since this partial download began: its files may differ.
      fs.rmSync(staging, { recursive: true, force: true });
      fs.mkdirSync(staging, { recursive: true });
      state = { revision: entry.revision, done: {} };
    }
    const saveState = () => fs.writeFileSync(stateFile, JSON.stringify(state));

    const total = entryBytes(entry);
    const doneBytes = () => Object.values(state.done).reduce((s, f) => s + f.bytes, 0);
    let downloadedBytes = 0;
    let resumedBytes = 0;
    const resumeHint = `\`jett models pull ${name}\``;

    for (const [index, file] of entry.files.entries()) {
      if (state.done[file.path]) continue;
      const base = doneBytes();
      const progress = (received: number, phase: ModelDownloadProgress['phase']) =>
        this.progress({ name, file: file.path, fileIndex: index, fileCount: entry.files.length, receivedBytes: base + received, totalBytes: total.exact ? total.bytes : null, phase });
      const finalFile = path.join(staging, file.path);
      const result = await downloadFile({
        url: this.url(entry, state.revision ?? 'main', file.path),
        partFile: `${finalFile}.part`,
        expectedBytes: file.bytes,
        expectedSha256: file.sha256,
        label: `${name}/${file.path}`,
        resumeHint,
        stallTimeoutMs: this.opts.stallTimeoutMs,
        signal,
        onBytes: (n) => progress(n, 'download'),
      });
      // An unpinned entry is fetched from `main` once; every later file comes from the commit that answered.
      if (state.revision === null && result.revision && /^[0-9a-f]{40}$/.test(result.revision)) state.revision = result.revision;
      await renameRetrying(`${finalFile}.part`, finalFile, this.renameDeps);
      state.done[file.path] = { bytes: result.bytes, sha256: result.sha256 };
      saveState();
      downloadedBytes += result.bytes - result.resumedBytes;
      resumedBytes += result.resumedBytes;
      progress(result.bytes, 'verify');
    }

    const record: InstalledRecord = {
      name,
      repo: entry.repo,
      revision: state.revision,
      pinned: entry.revision !== null,
      installedAt: new Date().toISOString(),
      files: entry.files.map((f) => ({ path: f.path, bytes: state.done[f.path]!.bytes, sha256: state.done[f.path]!.sha256, fromCatalogue: f.sha256 !== null })),
    };
    fs.rmSync(stateFile, { force: true });
    fs.writeFileSync(path.join(staging, RECORD_FILE), `${JSON.stringify(record, null, 2)}\n`);
    await this.swapIntoPlace(staging, target);
    this.progress({ name, file: '', fileIndex: entry.files.length, fileCount: entry.files.length, receivedBytes: doneBytes(), totalBytes: doneBytes(), phase: 'done' });
    return { name, dir: target, revision: record.revision, bytes: doneBytes(), downloadedBytes, resumedBytes, alreadyInstalled: false };
  }

  /** The new folder takes the old one's place in renames only: a crash leaves either the old or the new model. */
  private async swapIntoPlace(staging: string, target: string): Promise<void> {
    if (fs.existsSync(target)) {
      const old = path.join(this.dir, STAGING_DIR, `${path.basename(target)}.old-${process.pid}`);
      fs.rmSync(old, { recursive: true, force: true });
      await renameRetrying(target, old, this.renameDeps);
      try {
        await renameRetrying(staging, target, this.renameDeps);
      } catch (err) {
        // Still held after every retry: the old model goes back, rather than leaving none.
        await renameRetrying(old, target, this.renameDeps);
        throw err;
      }
      fs.rmSync(old, { recursive: true, force: true });
    } else {
      await renameRetrying(staging, target, this.renameDeps);
    }
  }

  private get renameDeps(): RenameDeps {
    return this.opts.rename ?? realRename;
  }

  async verify(name: string): Promise<VerifyResult> {
    const entry = findEntry(this.opts.catalogue, name);
    const record = this.readRecord(name);
    if (!record) throw new ModelError(`${name} is not installed in ${this.dir}`, `download it: \`jett models pull ${name}\``);
    const problems: VerifyResult['problems'] = [];
    for (const file of record.files) {
      const full = path.join(this.modelDir(name), file.path);
      let size: number;
      try {
        size = fs.statSync(full).size;
      } catch {
        problems.push({ path: file.path, problem: 'missing', detail: `${full} is missing` });
        continue;
      }
      if (size !== file.bytes) {
        problems.push({ path: file.path, problem: 'size', detail: `${size} bytes, recorded ${file.bytes}` });
        continue;
      }
      const sha = await sha256File(full);
      if (sha !== file.sha256) problems.push({ path: file.path, problem: 'sha256', detail: `sha256 ${sha}, recorded ${file.sha256} at the first download` });
      const expected = entry.files.find((f) => f.path === file.path)?.sha256 ?? null;
      if (expected !== null && sha !== expected) problems.push({ path: file.path, problem: 'catalogue-sha256', detail: `sha256 ${sha}, the catalogue says ${expected}` });
    }
    for (const f of entry.files) {
      if (!record.files.some((r) => r.path === f.path)) problems.push({ path: f.path, problem: 'missing', detail: 'in the catalogue but not in the install record' });
    }
    return { name, ok: problems.length === 0, catalogueChecked: isVerified(entry), revision: record.revision, problems };
  }

  remove(name: string): { removed: boolean } {
    findEntry(this.opts.catalogue, name);
    const had = fs.existsSync(this.modelDir(name)) || fs.existsSync(this.stagingDir(name));
    fs.rmSync(this.modelDir(name), { recursive: true, force: true });
    fs.rmSync(this.stagingDir(name), { recursive: true, force: true });
    return { removed: had };
  }
}
