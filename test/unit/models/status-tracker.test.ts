// What `jett status` says the speech models cost: each load's growth of the resident set, on the provider the
// load announced, replaced (not added up) when a model loads again, and absent until one has loaded.
import { describe, expect, it } from 'vitest';
import { modelsMemoryLine } from '../../../main/cli/status-line.js';
import type { ExecutionProviderChoice } from '../../../main/core/contracts/models.js';
import { StatusSnapshotSchema, type StatusSnapshot } from '../../../main/core/contracts/status.js';
import { ModelsStatusTracker } from '../../../main/core/voice/models/status-tracker.js';

const MB = 1024 * 1024;
const fallback: ExecutionProviderChoice = { engine: 'whisper-base', requested: 'auto', ep: 'cpu', fallback: true, reason: 'CUDA failed to start' };

/** A resident set that grows by the given megabytes at each read after the first of a pair. */
function rssGrowing(...mb: number[]): () => number {
  let rss = 100 * MB;
  const reads = mb.flatMap((m) => [0, m]);
  return () => (rss += (reads.shift() ?? 0) * MB);
}

describe('ModelsStatusTracker memory', () => {
  it('has no memory part until a model has loaded', () => {
    expect(new ModelsStatusTracker().snapshot()).toEqual({ stt: null, tts: null });
  });

  it('records each load on the provider it ended on, and a reload replaces the figure', async () => {
    const tracker = new ModelsStatusTracker();
    const rss = rssGrowing(40, 150.04, 12);
    await tracker.measure('runtime', 'onnxruntime-node, transformers.js, kokoro-js', async () => null, { rss });
    await tracker.measure('stt', 'whisper-base', async () => tracker.record('stt', fallback), { rss });
    await tracker.measure('stt', 'whisper-base', async () => null, { rss });
    expect(tracker.snapshot().memory).toEqual([
      { task: 'runtime', engine: 'onnxruntime-node, transformers.js, kokoro-js', ep: 'cpu', rssMb: 40 },
      { task: 'stt', engine: 'whisper-base', ep: 'cpu', rssMb: 12 },
    ]);
  });

  it('counts a load that shrank the resident set (a collection ran) as zero, never negative', async () => {
    const tracker = new ModelsStatusTracker();
    await tracker.measure('vad', 'silero-vad-v5', async () => null, { rss: rssGrowing(-30) });
    expect(tracker.snapshot().memory).toEqual([{ task: 'vad', engine: 'silero-vad-v5', ep: 'cpu', rssMb: 0 }]);
  });

  it('records no figure for a load that failed', async () => {
    const tracker = new ModelsStatusTracker();
    await expect(tracker.measure('tts', 'kokoro-82m', () => Promise.reject(new Error('corrupt')), { rss: rssGrowing(5) })).rejects.toThrow('corrupt');
    expect(tracker.snapshot().memory).toBeUndefined();
  });
});

describe('the models line of jett status', () => {
  const snapshot = (models: StatusSnapshot['models']): StatusSnapshot =>
    StatusSnapshotSchema.parse({
      agent: { pid: 1, version: '0.1.0', startedAt: '2026-01-01T00:00:00.000Z' },
      tunnel: { state: 'down', reason: 'x', handshakeAgeS: null, rxBytes: null, txBytes: null, probeRttMs: null, endpoint: null },
      outbox: { pending: 0, oldestPendingAgeS: null, dead: 0, lastSuccessAt: null },
      inbox: { pending: 0 },
      heartbeat: { lastSentAt: null, failures: 0 },
      voice: { state: 'off' },
      models,
    });

  it('names each model, its task and provider, and the total', () => {
    const line = modelsMemoryLine(snapshot({ stt: null, tts: null, memory: [{ task: 'vad', engine: 'silero-vad-v5', ep: 'cpu', rssMb: 12.5 }, { task: 'stt', engine: 'whisper-base', ep: 'cuda', rssMb: 150 }] }));
    expect(line).toBe('models silero-vad-v5 (vad, cpu) 12.5 MB, whisper-base (stt, cuda) 150.0 MB: 162.5 MB in all');
  });

  it('says nothing while no model has loaded (voice off, or no models)', () => {
    expect(modelsMemoryLine(snapshot({ stt: null, tts: null }))).toBeNull();
    expect(modelsMemoryLine(snapshot(undefined))).toBeNull();
  });
});
