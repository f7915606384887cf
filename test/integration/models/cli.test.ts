// `jett models` as a user runs it: the shipped catalogue with sizes and checksums or marked unverified, and a
// pull / verify / remove of a real catalogue entry from a loopback Hub (HF_ENDPOINT), through the real CLI.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelsListOutputSchema, ModelsPullOutputSchema, ModelsVerifyOutputSchema } from '../../../main/core/contracts/models.js';
import { writeWav } from '../../../main/core/voice/file-source.js';
import { findEntry, loadCatalogue } from '../../../main/core/voice/models/catalogue.js';
import { jett } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/tmp.js';
import { FakeHub } from './fake-hub.js';

const catalogue = loadCatalogue();
const unpinned = findEntry(catalogue, 'whisper-base.en');
let hub: FakeHub;

beforeAll(async () => {
  // The unpinned entry's files, with made-up content: it has no checksums to hold them to, so the pull records theirs.
  hub = await new FakeHub([
    ...unpinned.files.map((f) => FakeHub.randomFile(unpinned.repo, f.path, f.path.endsWith('.onnx') ? 200_000 : 300)),
    { repo: 'onnx-community/Kokoro-82M-v1.0-ONNX', path: 'config.json', body: Buffer.alloc(44, 'x') },
  ], [findEntry(catalogue, 'kokoro-82m').revision!]).start();
});
afterAll(() => hub.stop());

describe('jett models list', () => {
  it('shows the Whisper and Kokoro entries with sizes, and checksums or "unverified"', async () => {
    const home = tempDir();
    const res = await jett(['models', 'list', '--json'], { home });
    expect(res.code).toBe(0);
    const out = ModelsListOutputSchema.parse(JSON.parse(res.stdout));
    expect(out.dir).toBe(path.join(home, 'models'));
    expect(out.models.map((m) => m.name)).toEqual(expect.arrayContaining(['whisper-base', 'whisper-base.en', 'kokoro-82m']));
    for (const m of out.models) {
      expect(m.bytes).toBeGreaterThan(1_000_000);
      expect(m.state).toBe('not-installed');
      for (const f of m.files) expect(m.verified ? f.sha256 : 'unverified').toMatch(m.verified ? /^[0-9a-f]{64}$/ : /unverified/);
    }
    expect(out.models.find((m) => m.name === 'whisper-base.en')).toMatchObject({ verified: false, pinned: false, revision: null, bytesExact: false });

    const text = (await jett(['models', 'list'], { home })).stdout;
    expect(text).toMatch(/^whisper-base\.en +stt en +~294\.0 MB +not-installed +UNPINNED \(main\) +UNVERIFIED/m);
    expect(text).toMatch(/^kokoro-82m +tts en +325\.5 MB +not-installed +rev 1939ad2a8e41 +sha256 from catalogue/m);
    expect(text).toMatch(/^ +onnx\/model\.onnx +325\.5 MB +8fbea51ea711f2af382e88c833d9e288c6dc82ce5e98421ea61c058ce21a34cb$/m);
  });
});

describe('jett models pull, verify, remove', () => {
  it('installs an unpinned model from the Hub, records its commit, verifies it, catches a damaged file and removes it', async () => {
    const home = tempDir();
    const env = { HF_ENDPOINT: hub.url };
    const pulled = await jett(['models', 'pull', 'whisper-base.en', '--json'], { home, env });
    expect(pulled.stderr).toMatch(/whisper-base\.en: .*done/);
    expect(pulled.code).toBe(0);
    const out = ModelsPullOutputSchema.parse(JSON.parse(pulled.stdout));
    expect(out).toMatchObject({ name: 'whisper-base.en', revision: hub.commit, alreadyInstalled: false, dir: path.join(home, 'models', 'whisper-base.en') });

    const listed = ModelsListOutputSchema.parse(JSON.parse((await jett(['models', 'list', '--json'], { home })).stdout)).models.find((m) => m.name === 'whisper-base.en')!;
    expect(listed).toMatchObject({ state: 'installed', revision: hub.commit, verified: false });
    const encoder = fs.readFileSync(path.join(out.dir, 'onnx', 'encoder_model.onnx'));
    expect(listed.files.find((f) => f.path === 'onnx/encoder_model.onnx')?.sha256).toBe(crypto.createHash('sha256').update(encoder).digest('hex'));

    const ok = await jett(['models', 'verify', '--json'], { home });
    expect(ok.code).toBe(0);
    expect(ModelsVerifyOutputSchema.parse(JSON.parse(ok.stdout)).results).toEqual([expect.objectContaining({ name: 'whisper-base.en', ok: true, catalogueChecked: false })]);

    fs.appendFileSync(path.join(out.dir, 'onnx', 'encoder_model.onnx'), 'x');
    const bad = await jett(['models', 'verify', 'whisper-base.en'], { home });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^FAIL whisper-base\.en .*\n +onnx\/encoder_model\.onnx: size: 200001 bytes, recorded 200000\n +fix: `jett models pull whisper-base\.en --force`/m);

    expect((await jett(['models', 'remove', 'whisper-base.en'], { home })).stdout).toBe('whisper-base.en removed\n');
    expect(fs.existsSync(out.dir)).toBe(false);
  });

  it('fails a pull whose file does not match the catalogue sha256 with the fix, and installs nothing', async () => {
    const home = tempDir();
    const res = await jett(['models', 'pull', 'kokoro-82m'], { home, env: { HF_ENDPOINT: hub.url } });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/ChecksumError: kokoro-82m\/config\.json has sha256 [0-9a-f]{64}, expected df34b4f9/);
    expect(res.stderr).toMatch(/fix: `jett models pull kokoro-82m` to fetch it again/);
    expect(fs.existsSync(path.join(home, 'models', 'kokoro-82m'))).toBe(false);
  });

  it('names the known models for an unknown one', async () => {
    const res = await jett(['models', 'pull', 'whisper-huge'], { home: tempDir() });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/no model named "whisper-huge" in the catalogue\n +fix: use one of: .*whisper-base/);
  });
});

describe('jett voice with the models', () => {
  const wav16k = (file: string, samples: number) => writeWav(file, new Int16Array(samples), 16_000);


  it('loads the configured Whisper from models.dir, and a damaged one is an error that names jett models verify', async () => {
    const home = tempDir();
    const modelsDir = path.join(home, 'my-models');
    const entry = findEntry(catalogue, 'whisper-base');
    for (const f of entry.files) {
      fs.mkdirSync(path.dirname(path.join(modelsDir, entry.name, f.path)), { recursive: true });
      fs.writeFileSync(path.join(modelsDir, entry.name, f.path), f.path === 'config.json' ? '{"model_type":"whisper"}' : 'damaged');
    }
    const input = path.join(home, 'turn.wav');
    wav16k(input, 16000);
    expect((await jett(['config', 'set', 'models.dir', modelsDir], { home })).code).toBe(0);
    const res = await jett(['voice', '--input', input], { home });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/EngineError: cannot load whisper-base: .*\n +fix: check its files with `jett models verify whisper-base`/);
  });
});
