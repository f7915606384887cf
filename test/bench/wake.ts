// `npm run bench:wake -- --json [--clips DIR] [--word W] [--threshold T]`: Jett's wake-word detector on the fixed
// espeak-ng matrix (test/bench/wake-clips.ts) or on any folder of 16 kHz mono WAVs with a truth.json, against a
// bare onnxruntime run of openWakeWord's reference pipeline (wake-reference.ts) on the same chunks in the same
// run: detections, false and double wakes, the largest score difference, the cost per 80 ms chunk and its ratio.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_WAKE_THRESHOLD, WakeWordSchema } from '../../main/core/contracts/wake.js';
import { WakeBenchSchema, type WakeBench } from '../../main/harness/bench/results.js';
import { resolveBinary } from '../../main/core/process/binaries.js';
import { readAudioFile } from '../../main/core/voice/file-source.js';
import { createWakeDetector } from '../../main/core/voice/wake/detector.js';
import { WAKE_MODEL_FILES } from '../../main/core/voice/wake/models.js';
import { loadReference } from './wake-reference.js';
import { wakeMatrix, type WakeClip } from './wake-clips.js';

const CHUNK = 1280;
const args = process.argv.slice(2);
const json = args.includes('--json');
const arg = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const word = WakeWordSchema.parse(arg('--word') ?? 'hey_jarvis');
const threshold = Number(arg('--threshold') ?? DEFAULT_WAKE_THRESHOLD);
const clipsDir = arg('--clips');
const say = (line: string) => process.stdout.write(`${line}\n`);
const started = performance.now();

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] as number;
}
const r3 = (v: number) => Math.round(v * 1000) / 1000;

const TruthSchema = z.array(z.object({ file: z.string(), wake: z.boolean() }).passthrough());

async function folderClips(dir: string): Promise<WakeClip[]> {
  const truth = TruthSchema.parse(JSON.parse(fs.readFileSync(path.join(dir, 'truth.json'), 'utf8')));
  const clips: WakeClip[] = [];
  for (const t of truth) clips.push({ name: t.file, wake: t.wake, pcm: await readAudioFile(path.join(dir, t.file), (n) => resolveBinary(n)) });
  return clips;
}

say(`wake bench: ${word} at threshold ${threshold}`);
let lastScore = 0;
const baseRss = process.memoryUsage().rss;
const detector = await createWakeDetector({ word, threshold, onScore: (s) => (lastScore = s.score) });
await detector.push(new Int16Array(5 * 16_000));
detector.reset();
// The process with one detector loaded and run, before the clips and the reference pipeline take memory.
const rssMb = Math.round(process.memoryUsage().rss / 2 ** 20);
say(`  rss with the detector loaded: ${rssMb} MB (the whole node process; ${Math.round((process.memoryUsage().rss - baseRss) / 2 ** 20)} MB more than before it loaded)`);

say(clipsDir ? `clips from ${clipsDir}` : 'generating the espeak-ng matrix (sox -R dither, 1 s of silence each side)');
const clips = clipsDir ? await folderClips(clipsDir) : await wakeMatrix(say);
const reference = await loadReference(WAKE_MODEL_FILES[word].file);

const jettMs: number[] = [];
const rawMs: number[] = [];
let maxDiff = 0;
let detected = 0;
let falseWakes = 0;
let doubleWakes = 0;
let negativeSamples = 0;
let confusableWakes = 0;
let chunkIndex = 0;
say(`scoring ${clips.length} clips, Jett and the bare reference alternating first on every chunk`);
for (const [n, clip] of clips.entries()) {
  detector.reset();
  const ref = reference.stream();
  let detections = 0;
  for (let at = 0; at + CHUNK <= clip.pcm.length; at += CHUNK, chunkIndex++) {
    const chunk = clip.pcm.subarray(at, at + CHUNK);
    let refScore = 0;
    const jett = async () => {
      const t = performance.now();
      detections += (await detector.push(chunk)).length;
      jettMs.push(performance.now() - t);
    };
    const bare = async () => {
      const t = performance.now();
      refScore = await ref.step(chunk);
      rawMs.push(performance.now() - t);
    };
    if (chunkIndex % 2 === 0) {
      await jett();
      await bare();
    } else {
      await bare();
      await jett();
    }
    maxDiff = Math.max(maxDiff, Math.abs(lastScore - refScore));
  }
  if (clip.wake) {
    if (detections > 0) detected += 1;
    else say(`  missed: ${clip.name}`);
    if (detections > 1) {
      doubleWakes += 1;
      say(`  double wake: ${clip.name} (${detections} detections)`);
    }
  } else if (clip.confusable) {
    say(`  confusable: ${clip.name} ${detections > 0 ? `woke it (${detections})` : 'did not wake it'}`);
    confusableWakes += detections > 0 ? 1 : 0;
  } else {
    negativeSamples += clip.pcm.length;
    if (detections > 0) say(`  false wake: ${clip.name} (${detections})`);
    falseWakes += detections;
  }
  if ((n + 1) % 50 === 0) say(`  ${n + 1}/${clips.length} clips`);
}
await detector.close();

const positives = clips.filter((c) => c.wake).length;
const confusable = clips.filter((c) => c.confusable).length;
const negativeS = negativeSamples / 16_000;
const p50 = pct(jettMs, 50);
const raw50 = pct(rawMs, 50);
const result: WakeBench = {
  clips: clips.length,
  positives,
  negatives: clips.length - positives - confusable,
  negative_audio_s: Math.round(negativeS),
  detected,
  false_wakes: falseWakes,
  double_wakes: doubleWakes,
  false_wakes_per_hour: negativeS > 0 ? r3(falseWakes / (negativeS / 3600)) : 0,
  max_score_diff: Number(maxDiff.toExponential(2)),
  chunk_ms_p50: r3(p50),
  chunk_ms_p95: r3(pct(jettMs, 95)),
  raw_chunk_ms_p50: r3(raw50),
  chunk_ratio: r3(p50 / raw50),
  rss_mb: rssMb,
  confusable_clips: confusable,
  confusable_wakes: confusableWakes,
  goals_met: false,
};
const longEnough = negativeS >= 1800;
const goals: Array<[string, boolean]> = [
  positives < 20 && clipsDir
    ? [`every positive detected (${detected}/${positives})`, detected === positives]
    : [`detected/positives ${detected}/${positives} >= 0.95`, positives > 0 && detected / positives >= 0.95],
  [`false_wakes ${falseWakes} = 0`, falseWakes === 0],
  [`double_wakes ${doubleWakes} = 0`, doubleWakes === 0],
  [`max_score_diff ${result.max_score_diff} <= 1e-4`, maxDiff <= 1e-4],
  [`chunk_ratio ${result.chunk_ratio} <= 1.2`, result.chunk_ratio <= 1.2],
  [`chunk_ms_p95 ${result.chunk_ms_p95} <= 5`, result.chunk_ms_p95 <= 5],
];
if (!clipsDir || longEnough) {
  goals.push([`negative_audio_s ${result.negative_audio_s} >= 1800`, longEnough]);
  goals.push([`false_wakes_per_hour ${result.false_wakes_per_hour} <= 0.5`, result.false_wakes_per_hour <= 0.5]);
} else {
  say(`  ${result.negative_audio_s} s of negative audio: too little for an hourly rate goal (1800 s needed)`);
}
result.goals_met = goals.every(([, met]) => met);
for (const [text, met] of goals) say(`  goal ${met ? 'met   ' : 'MISSED'} ${text}`);
say(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
const parsed = WakeBenchSchema.parse(result);
say(json ? JSON.stringify(parsed) : JSON.stringify(parsed, null, 2));
if (!parsed.goals_met) process.exitCode = 1;
