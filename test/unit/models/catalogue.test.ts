// The shipped catalogue: Whisper (English and multilingual) and Kokoro entries, each pinned and checksummed or
// plainly marked unpinned/unverified; a broken catalogue is a clear error.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CatalogueSchema } from '../../../main/core/contracts/models.js';
import { entryBytes, findEntry, isVerified, loadCatalogue } from '../../../main/core/voice/models/catalogue.js';
import { ModelError } from '../../../main/core/voice/models/errors.js';
import { tempDir } from '../../helpers/tmp.js';

describe('the shipped model catalogue', () => {
  const catalogue = loadCatalogue();

  it('has English and multilingual Whisper models and Kokoro', () => {
    const stt = catalogue.models.filter((m) => m.task === 'stt');
    expect(stt.map((m) => m.engine)).toEqual(stt.map(() => 'whisper'));
    expect(stt.some((m) => m.languages === 'en')).toBe(true);
    expect(stt.some((m) => m.languages === 'multi')).toBe(true);
    expect(findEntry(catalogue, 'kokoro-82m')).toMatchObject({ task: 'tts', engine: 'kokoro', repo: 'onnx-community/Kokoro-82M-v1.0-ONNX' });
    expect(findEntry(catalogue, 'whisper-base')).toMatchObject({ task: 'stt', languages: 'multi', repo: 'onnx-community/whisper-base' });
  });

  it('lists the files transformers.js loads for each engine', () => {
    for (const m of catalogue.models) {
      const files = m.files.map((f) => f.path);
      if (m.engine === 'whisper') expect(files).toEqual(expect.arrayContaining(['config.json', 'preprocessor_config.json', 'tokenizer.json', 'onnx/encoder_model.onnx', 'onnx/decoder_model_merged.onnx']));
      else expect(files).toEqual(expect.arrayContaining(['config.json', 'tokenizer.json', 'onnx/model.onnx']));
    }
  });

  it('says where every pinned revision and checksum came from, and marks the rest unverified', () => {
    for (const m of catalogue.models) {
      if (m.revision !== null || m.files.some((f) => f.sha256 !== null)) expect(m.sources.length, m.name).toBeGreaterThan(0);
      // A checksum without a size would make resumed downloads unverifiable part-way; the catalogue never has one.
      for (const f of m.files) if (f.sha256 !== null) expect(f.bytes, `${m.name}/${f.path}`).not.toBeNull();
    }
    const unpinned = findEntry(catalogue, 'whisper-base.en');
    expect(unpinned.revision).toBeNull();
    expect(isVerified(unpinned)).toBe(false);
    expect(entryBytes(unpinned)).toEqual({ bytes: unpinned.approxBytes, exact: false });
    expect(isVerified(findEntry(catalogue, 'kokoro-82m'))).toBe(true);
  });

  it('names the known models when asked for an unknown one', () => {
    expect(() => findEntry(catalogue, 'whisper-huge')).toThrow(ModelError);
    try {
      findEntry(catalogue, 'whisper-huge');
    } catch (err) {
      expect((err as ModelError).fix).toContain('whisper-base');
    }
  });
});

describe('a broken catalogue', () => {
  const write = (body: unknown) => {
    const file = path.join(tempDir(), 'catalogue.json');
    fs.writeFileSync(file, typeof body === 'string' ? body : JSON.stringify(body));
    return file;
  };
  const good = JSON.parse(fs.readFileSync('resources/models/catalogue.json', 'utf8')) as ReturnType<typeof CatalogueSchema.parse>;

  it('rejects a file path that climbs out of the model folder', () => {
    const bad = structuredClone(good);
    bad.models[0]!.files[0]!.path = '../../.bashrc';
    expect(() => loadCatalogue(write(bad))).toThrow(/invalid at models\.0\.files\.0\.path/);
  });

  it('rejects a checksum that is not sha256 hex, duplicates and bad JSON', () => {
    const bad = structuredClone(good);
    bad.models[0]!.files[0]!.sha256 = 'abc';
    expect(() => loadCatalogue(write(bad))).toThrow(ModelError);
    const dup = structuredClone(good);
    dup.models.push(dup.models[0]!);
    expect(() => loadCatalogue(write(dup))).toThrow(/twice/);
    expect(() => loadCatalogue(write('{nope'))).toThrow(/cannot read the model catalogue/);
  });
});
