// `npm run bench:memory -- --json [--items N] [--clips N]`: memory's cost on the latency path, on minilm-standin
// (all-MiniLM-L6-v2's shapes, its own weights) and 100,000 items of 384 dimensions. Embedding through Jett against
// bare onnxruntime on the same model, session options and tokens; Jett's search (a binary coarse pass over 16
// partitions, float rescoring) against a bare exact float k-NN query in sqlite-vec over the same items, and the
// overlap of their top 10; recall (embed + search + the prompt's memory message); first audio with the same clips
// and test engines as bench:voice, without and with memory. The items are synthetic vectors around 2,000 topics
// (embedding 100,000 sentences would take an hour on a CPU); the queries are items with noise, as a question about
// a remembered fact. Progress lines, then one JSON object as the last line.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { ConfigSchema } from '../../main/core/contracts/config.js';
import { openLocalDb } from '../../main/core/db/local-db.js';
import { createLogger } from '../../main/core/log/logger.js';
import { EMBED_SESSION_OPTIONS, loadEmbedder, MEMORY_DIMS } from '../../main/core/memory/embedder.js';
import { MemoryStore } from '../../main/core/memory/store.js';
import { vectorBlob } from '../../main/core/memory/vector-index.js';
import { VoiceMemory } from '../../main/core/memory/voice-memory.js';
import { DEFAULT_ENDPOINT, samplesToMs } from '../../main/core/voice/endpointer.js';
import type { VoiceEngines } from '../../main/core/voice/engines.js';
import { PcmSource } from '../../main/core/voice/file-source.js';
import type { TurnMemory } from '../../main/core/voice/memory-hook.js';
import { VoicePipeline } from '../../main/core/voice/pipeline.js';
import { MemorySink } from '../../main/core/voice/playback.js';
import { RTX3070_BUDGET } from '../../main/core/voice/setup.js';
import { ScriptedLanguageModel, ScriptedSpeechToText, ToneTextToSpeech } from '../../main/core/voice/test-engines.js';
import { SileroVad } from '../../main/core/voice/vad.js';
import { MemoryBenchSchema, type MemoryBench } from '../../main/harness/bench/results.js';
import { miniLmModelsDir, STANDIN_NAME, standInEntry } from '../helpers/minilm-standin.js';
import { prng } from '../helpers/prng.js';
import { generateClips, type BenchClip } from './voice-clips.js';

const json = process.argv.includes('--json');
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const ITEMS = arg('--items', 100_000);
const CLIPS = arg('--clips', 42);
const TOPICS = 2000;
const QUERIES = 100;
const SILENCE_MS = 300;
const say = (line: string) => process.stdout.write(`${line}\n`);
function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] as number;
}
const r1 = (v: number) => Math.round(v * 10) / 10;
const r3 = (v: number) => Math.round(v * 1000) / 1000;
const unit = (v: Float32Array) => {
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n);
  return v.map((x) => x / n);
};

const started = performance.now();
const SENTENCES = [
  'When does the plumber come?',
  'What did I tell you about the backup last week?',
  'Remind me what my sister said about the trip to Lisbon.',
  'Is the heating service booked for Thursday morning?',
  'What was the name of the restaurant we liked in March?',
  'How long does the dishwasher cycle take?',
  'Did I ask you to order more coffee filters?',
  'What time is the dentist appointment on Friday?',
];

say(`memory bench: minilm-standin (BERT, 6 layers, hidden ${MEMORY_DIMS}), ${ITEMS} items, ${os.cpus().length} CPUs`);
const modelsDir = miniLmModelsDir();
const config = ConfigSchema.parse({ models: { embed: STANDIN_NAME, executionProvider: 'cpu' } });
const embedder = (await loadEmbedder(config, modelsDir, {
  catalogue: () => ({ version: 1, models: [standInEntry] }),
  ort: async () => ({ platform: process.platform, arch: process.arch, backends: [{ name: 'cpu', bundled: true }], libDir: null }),
  announce: () => undefined,
}))!;

// Bare onnxruntime: the same model file, session options and token ids (tokenized once, outside the timing), mean
// pooling and normalization in plain loops.
const { AutoTokenizer } = await import('@huggingface/transformers');
const tokenizer = await AutoTokenizer.from_pretrained(STANDIN_NAME, { local_files_only: true });
const session = await ort.InferenceSession.create(path.join(modelsDir, STANDIN_NAME, 'onnx', 'model.onnx'), { ...EMBED_SESSION_OPTIONS, executionProviders: ['cpu'] });
const feeds = SENTENCES.map((s) => {
  const enc = tokenizer(s) as unknown as Record<'input_ids' | 'attention_mask' | 'token_type_ids', { data: BigInt64Array; dims: number[] }>;
  return Object.fromEntries(Object.entries(enc).map(([k, t]) => [k, new ort.Tensor('int64', t.data, t.dims)]));
});
async function rawEmbed(i: number): Promise<Float32Array> {
  const out = (await session.run(feeds[i]!)).last_hidden_state!;
  const [, seq, dims] = out.dims as [number, number, number];
  const data = out.data as Float32Array;
  const pooled = new Float32Array(dims);
  for (let t = 0; t < seq; t++) for (let d = 0; d < dims; d++) pooled[d]! += data[t * dims + d]! / seq;
  return unit(pooled);
}
say('embedding: Jett (transformers.js feature extraction) against bare onnxruntime, interleaved, 3 passes');
const jettTimes: number[] = [];
const rawTimes: number[] = [];
for (let pass = 0; pass < 4; pass++) {
  for (let i = 0; i < SENTENCES.length; i++) {
    let t = performance.now();
    await embedder.embed(SENTENCES[i]!);
    if (pass > 0) jettTimes.push(performance.now() - t);
    t = performance.now();
    await rawEmbed(i);
    if (pass > 0) rawTimes.push(performance.now() - t);
  }
}
const embedP50 = pct(jettTimes, 50);
const rawEmbedP50 = pct(rawTimes, 50);
say(`  jett p50 ${r1(embedP50)} ms, raw onnxruntime p50 ${r1(rawEmbedP50)} ms, ratio ${r3(embedP50 / rawEmbedP50)}`);

say(`filling jett.db with ${ITEMS} items (${TOPICS} topics) and a bare exact float index beside them`);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jett-bench-memory-'));
const local = openLocalDb(path.join(dir, 'jett.db'));
const store = new MemoryStore(local.db);
local.db.exec(`CREATE VIRTUAL TABLE bench_exact USING vec0(embedding float[${MEMORY_DIMS}])`);
const rand = prng(18);
const g = () => rand() + rand() + rand() - 1.5;
const topics = Array.from({ length: TOPICS }, () => Float32Array.from({ length: MEMORY_DIMS }, g));
const items: Float32Array[] = [];
const insertExact = local.db.prepare('INSERT INTO bench_exact (rowid, embedding) VALUES (?, ?)');
const fillStart = performance.now();
local.db.transaction(() => {
  for (let i = 0; i < ITEMS; i++) {
    const v = unit(Float32Array.from(topics[i % TOPICS]!, (x) => x + g()));
    items.push(v);
    store.add({ kind: 'turn', text: `item ${i}`, vector: v, model: STANDIN_NAME });
    insertExact.run(BigInt(i + 1), vectorBlob(v));
  }
})();
say(`  filled in ${((performance.now() - fillStart) / 1000).toFixed(1)} s`);

say(`search: ${QUERIES} queries (an item plus noise), top 10, Jett against the exact scan, interleaved`);
const exactQuery = local.db.prepare('SELECT rowid FROM bench_exact WHERE embedding MATCH ? AND k = 10').pluck();
const searchTimes: number[] = [];
const exactTimes: number[] = [];
let overlap = 0;
for (let q = 0; q < QUERIES; q++) {
  // Noise of 0.3 of the item's own length: a question near one remembered item, not a random vector.
  const noise = unit(Float32Array.from({ length: MEMORY_DIMS }, g));
  const query = unit(items[(q * 7919) % ITEMS]!.map((x, j) => x + 0.3 * noise[j]!));
  let t = performance.now();
  const exact = new Set((exactQuery.all(vectorBlob(query)) as number[]).map((rowid) => `item ${rowid - 1}`));
  exactTimes.push(performance.now() - t);
  t = performance.now();
  const found = store.search(query, 10);
  searchTimes.push(performance.now() - t);
  overlap += found.filter((f) => exact.has(f.text)).length;
}
const recallAt10 = overlap / (10 * QUERIES);
say(`  jett p95 ${r1(pct(searchTimes, 95))} ms, exact p95 ${r1(pct(exactTimes, 95))} ms, recall@10 ${r3(recallAt10)}`);

const memory = new VoiceMemory(embedder, store, { items: 5, tokens: 400, recentTurns: 0, minSimilarity: -1 });
say('recall on the latency path: embed the question, search, build the memory message');
const recallTimes: number[] = [];
for (let i = 0; i < 40; i++) {
  const t = performance.now();
  await memory.recall(SENTENCES[i % SENTENCES.length]!);
  recallTimes.push(performance.now() - t);
}
say(`  recall p95 ${r1(pct(recallTimes, 95))} ms`);

async function firstAudio(vad: SileroVad, clips: BenchClip[], with_: TurnMemory | null): Promise<Array<{ firstAudio: number; fromSpeechEnd: number }>> {
  const out: Array<{ firstAudio: number; fromSpeechEnd: number }> = [];
  const logger = createLogger({ sink: () => undefined, format: 'json' });
  const b = RTX3070_BUDGET;
  for (const clip of clips) {
    const engines: VoiceEngines = {
      stt: new ScriptedSpeechToText({ delayMs: b.sttMs, text: () => clip.text }),
      llm: new ScriptedLanguageModel({ firstTokenMs: b.llmFirstTokenMs, tokensPerSecond: b.tokensPerSecond }),
      tts: new ToneTextToSpeech({ msPerFragment: b.ttsMsPerFragment }),
    };
    const pipeline = new VoicePipeline({
      engines,
      sink: new MemorySink(),
      vad,
      openSource: () => new PcmSource('clip', clip.pcm),
      logger,
      options: { activation: 'hotkey', bargeIn: 'off', endpoint: { ...DEFAULT_ENDPOINT, silenceMs: SILENCE_MS }, memoryTurns: 0, systemPrompt: 'be brief' },
      ...(with_ ? { memory: with_ } : {}),
    });
    await pipeline.start();
    const turn = await pipeline.runTurn(new PcmSource('clip', clip.pcm, 1500, clip.speechEnd - 3200));
    await pipeline.stop();
    const l = turn.latencies;
    if (turn.outcome !== 'answered' || l.playback_start_ms === null || !turn.audio) throw new Error(`turn on "${clip.text}" was ${turn.outcome}: ${turn.reason}`);
    out.push({ firstAudio: l.playback_start_ms, fromSpeechEnd: samplesToMs(turn.audio.turn_end - clip.speechEnd) + l.playback_start_ms });
  }
  return out;
}

say(`first audio: ${CLIPS} espeak-ng clips (bench:voice's), test engines at an RTX 3070 budget, preemptMs ${DEFAULT_ENDPOINT.preemptMs}; without memory, then with it over ${ITEMS} items`);
const clips = (await generateClips(CLIPS)).slice(0, CLIPS);
const vad = await SileroVad.load();
// Answered turns are not kept here (recall alone is on the latency path): a store that ignores keep().
const recallOnly: TurnMemory = { command: (t) => memory.command(t), recall: (t) => memory.recall(t), keep: () => undefined };
const without = await firstAudio(vad, clips, null);
const withMemory = await firstAudio(vad, clips, recallOnly);
await vad.close();
const p95 = (runs: Array<{ firstAudio: number; fromSpeechEnd: number }>, key: 'firstAudio' | 'fromSpeechEnd') => pct(runs.map((x) => x[key]), 95);
say(`  without: first audio p95 ${r1(p95(without, 'firstAudio'))} ms; with: ${r1(p95(withMemory, 'firstAudio'))} ms, true end of speech -> audio p95 ${r1(p95(withMemory, 'fromSpeechEnd'))} ms`);
local.close();
fs.rmSync(dir, { recursive: true, force: true });

const result: MemoryBench = MemoryBenchSchema.parse({
  items: ITEMS,
  dims: MEMORY_DIMS,
  embed_ms_p50: r1(embedP50),
  raw_embed_ms_p50: r1(rawEmbedP50),
  embed_ratio: r3(embedP50 / rawEmbedP50),
  search_ms_p95: r1(pct(searchTimes, 95)),
  raw_search_ms_p95: r1(pct(exactTimes, 95)),
  recall_at_10: r3(recallAt10),
  recall_ms_p95: r1(pct(recallTimes, 95)),
  first_audio_ms_p95_without: r1(p95(without, 'firstAudio')),
  first_audio_ms_p95_with: r1(p95(withMemory, 'firstAudio')),
  speech_end_to_audio_ms_p95_with: r1(p95(withMemory, 'fromSpeechEnd')),
});
const goals: Array<[string, boolean]> = [
  [`embed_ratio ${result.embed_ratio} <= 1.2`, result.embed_ratio <= 1.2],
  [`search_ms_p95 ${result.search_ms_p95} <= 25`, result.search_ms_p95 <= 25],
  [`recall_at_10 ${result.recall_at_10} >= 0.95`, result.recall_at_10 >= 0.95],
  [`recall_ms_p95 ${result.recall_ms_p95} <= 30`, result.recall_ms_p95 <= 30],
  [`first audio p95 with - without ${r1(result.first_audio_ms_p95_with - result.first_audio_ms_p95_without)} <= 30`, result.first_audio_ms_p95_with - result.first_audio_ms_p95_without <= 30],
  [`speech_end_to_audio_ms_p95_with ${result.speech_end_to_audio_ms_p95_with} <= 500`, result.speech_end_to_audio_ms_p95_with <= 500],
];
for (const [text, met] of goals) say(`  goal ${met ? 'met   ' : 'MISSED'} ${text}`);
say(`  search against the exact scan in the same run: ${r3(result.search_ms_p95 / result.raw_search_ms_p95)} of its p95`);
say(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
if (json) say(JSON.stringify(result));
else say(JSON.stringify(result, null, 2));
if (goals.some(([, met]) => !met)) process.exitCode = 1;
