// The Kokoro engine through the real kokoro-js (its espeak-ng phonemiser, tokenizer loading, the voices it ships)
// and onnxruntime-node, on kokoro-mini: a tiny stand-in with the Kokoro-82M export's layout and input/output names
// that returns 600 samples per token (made by fixtures/make-kokoro-mini.py). It checks the layer's part: loading,
// warm-up, one PCM chunk per sentence as each is ready, voices, punctuation-only text, and a GPU that fails to
// start falling back to the CPU and still speaking.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../../main/core/contracts/config.js';
import type { Catalogue, CatalogueEntry, ExecutionProviderChoice } from '../../../main/core/contracts/models.js';
import { EventBus } from '../../../main/core/events/bus.js';
import { createLogger } from '../../../main/core/log/logger.js';
import { KokoroTextToSpeech } from '../../../main/core/voice/models/kokoro.js';
import { modelEngineProviders } from '../../../main/core/voice/models/providers.js';
import { tempDir } from '../../helpers/tmp.js';

const FIXTURES = path.join(path.dirname(new URL(import.meta.url).pathname), 'fixtures');
const entry: CatalogueEntry = {
  name: 'kokoro-mini',
  task: 'tts',
  engine: 'kokoro',
  languages: 'en',
  description: 'test stand-in',
  repo: 'jett/kokoro-mini',
  revision: null,
  sources: ['fixtures/make-kokoro-mini.py'],
  approxBytes: 10_000,
  files: ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx'].map((p) => ({ path: p, bytes: null, sha256: null })),
};
const cpu: ExecutionProviderChoice = { engine: 'kokoro-mini', requested: 'cpu', ep: 'cpu', fallback: false, reason: 'models.executionProvider is cpu' };
const signal = () => new AbortController().signal;

async function collect(chunks: AsyncIterable<Int16Array>): Promise<Int16Array[]> {
  const out: Int16Array[] = [];
  for await (const c of chunks) out.push(c);
  return out;
}

describe('Kokoro through kokoro-js (kokoro-mini stand-in)', () => {
  it('loads, warms up, and gives one 24 kHz chunk per sentence', async () => {
    const tts = await KokoroTextToSpeech.load({ modelsDir: FIXTURES, entry, voice: 'af_heart', speed: 1, choice: cpu, announce: () => undefined });
    await tts.warmUp();
    expect(tts.name).toBe('kokoro-mini af_heart (cpu)');
    expect(tts.sampleRate).toBe(24000);
    const chunks = await collect(tts.synthesize('Hello there. How are you?', signal()));
    expect(chunks).toHaveLength(2);
    for (const c of chunks) {
      expect(c.length % 600).toBe(0);
      expect(c.length).toBeGreaterThan(600 * 5);
      expect(c[0]).toBe(Math.round(0.1 * 32767));
    }
  });

  it('speaks with another of kokoro-js voices and speed, and gives no audio for punctuation alone', async () => {
    const tts = await KokoroTextToSpeech.load({ modelsDir: FIXTURES, entry, voice: 'bm_george', speed: 1.4, choice: cpu, announce: () => undefined });
    expect(await collect(tts.synthesize('Good evening.', signal()))).toHaveLength(1);
    expect(await collect(tts.synthesize('?! ... —', signal()))).toEqual([]);
  });

  it('falls back to the CPU when the GPU session fails to start, says so, and still speaks', async () => {
    const dir = tempDir();
    fs.cpSync(path.join(FIXTURES, 'kokoro-mini'), path.join(dir, 'kokoro-mini'), { recursive: true });
    const catalogue: Catalogue = { version: 1, models: [entry] };
    const bus = new EventBus();
    const events: ExecutionProviderChoice[] = [];
    bus.on('models.executionProvider', (c) => events.push(c));
    // A machine that claims DirectML: on Linux the library refuses that device, a GPU session that cannot start
    // wherever these tests run (unlike CUDA, which a Linux box with the opt-in files could really start).
    const providers = modelEngineProviders({
      logger: createLogger({ sink: () => undefined, format: 'json' }),
      bus,
      catalogue,
      ort: async () => ({ platform: 'win32', arch: 'x64', backends: [{ name: 'cpu', bundled: true }, { name: 'dml', bundled: true }], libDir: null }),
    });
    const tts = await providers.textToSpeech!(ConfigSchema.parse({ models: { tts: 'kokoro-mini' } }), dir);
    expect(tts?.name).toBe('kokoro-mini af_heart (cpu, CPU fallback)');
    expect(events).toEqual([expect.objectContaining({ engine: 'kokoro-mini', ep: 'cpu', fallback: true, reason: expect.stringContaining('dml failed to start') })]);
    expect(await collect(tts!.synthesize('Lights on.', signal()))).toHaveLength(1);
  });
});
