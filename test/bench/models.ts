// `npm run bench:models -- --json`: Whisper on 3 s of speech and Kokoro's first audio for a five-word fragment, on
// the execution provider `auto` picks (DirectML, CUDA) and, as the baseline in the same run, on the CPU. Needs the
// real weights in JETT_MODELS_DIR (`jett models pull whisper-base`, `jett models pull kokoro-82m`); without them it
// says so and prints its JSON with null figures. Goals (RTX 3070 class GPU): stt_ms_for_3s <= 80 with whisper-base,
// tts_first_audio_ms <= 80. Progress lines, then one JSON object as the last line.
import fs from 'node:fs';
import path from 'node:path';
import type { ExecutionProviderChoice } from '../../main/core/contracts/models.js';
import { ModelsBenchSchema, type ModelsBench } from '../../main/harness/bench/results.js';
import { findEntry, loadCatalogue } from '../../main/core/voice/models/catalogue.js';
import { chooseExecutionProvider, describeChoice } from '../../main/core/voice/models/execution-provider.js';
import { KokoroTextToSpeech } from '../../main/core/voice/models/kokoro.js';
import { loadOrtEnvironment } from '../../main/core/voice/models/ort-environment.js';
import { WhisperSpeechToText } from '../../main/core/voice/models/whisper.js';
import { resolveBinary } from '../../main/core/process/binaries.js';
import { noise, speak } from '../helpers/audio.js';

const RUNS = 7;
const FRAGMENT = 'Turn the kitchen lights on.';
const json = process.argv.includes('--json');
const say = (line: string) => process.stdout.write(`${line}\n`);
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
const r1 = (v: number) => Math.round(v * 10) / 10;
const r3 = (v: number) => Math.round(v * 1000) / 1000;

const dir = process.env.JETT_MODELS_DIR ? path.resolve(process.env.JETT_MODELS_DIR) : '';
const sttName = process.env.JETT_STT_MODEL ?? 'whisper-base';
const catalogue = loadCatalogue();
const sttEntry = findEntry(catalogue, sttName);
const ttsEntry = findEntry(catalogue, 'kokoro-82m');
const ort = await loadOrtEnvironment();
const auto = chooseExecutionProvider('speech models', 'auto', ort);
say(`execution provider: ${describeChoice(auto)}`);

function missing(): string | null {
  if (!dir) return 'needs JETT_MODELS_DIR: real Whisper and Kokoro weights cannot be downloaded on this machine (`jett models pull whisper-base` and `jett models pull kokoro-82m` elsewhere, then point JETT_MODELS_DIR at that models folder)';
  const absent = [sttName, 'kokoro-82m'].filter((n) => !fs.existsSync(path.join(dir, n, 'config.json')));
  if (absent.length > 0) return `JETT_MODELS_DIR=${dir} lacks ${absent.join(', ')} (jett models pull ${absent.join(' / ')})`;
  if (!resolveBinary('espeak-ng') || !resolveBinary('sox')) return 'needs espeak-ng and sox for the 3 s speech clip (npm run setup:linux)';
  return null;
}

/** Exactly 3 s at 16 kHz: an espeak-ng sentence over a quiet noise floor. */
async function threeSeconds(): Promise<Int16Array> {
  const speech = await speak('Please turn on the lights in the kitchen and the hall.');
  const clip = noise(48_000, 30, 7);
  clip.set(speech.subarray(0, Math.min(speech.length, 48_000 - 1600)), 1600);
  return clip;
}

async function measure(choice: ExecutionProviderChoice, clip: Int16Array): Promise<{ stt: number; ttsFirst: number; ttsRtf: number; choice: { stt: string; tts: string } }> {
  const signal = new AbortController().signal;
  const notes: string[] = [];
  const stt = await WhisperSpeechToText.load({ modelsDir: dir, entry: sttEntry, language: 'en', choice: { ...choice, engine: sttName }, announce: (c) => notes.push(describeChoice(c)) });
  const tts = await KokoroTextToSpeech.load({ modelsDir: dir, entry: ttsEntry, voice: 'af_heart', speed: 1, choice: { ...choice, engine: 'kokoro-82m' }, announce: (c) => notes.push(describeChoice(c)) });
  for (const n of notes) say(`  ${n}`);
  await stt.warmUp();
  await tts.warmUp();
  const sttMs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const { text } = await stt.transcribe(clip, signal);
    sttMs.push(performance.now() - t0);
    if (i === 0) say(`  ${stt.name}: "${text}"`);
  }
  const firstMs: number[] = [];
  const rtf: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    let first = 0;
    let samples = 0;
    for await (const chunk of tts.synthesize(FRAGMENT, signal)) {
      if (samples === 0) first = performance.now() - t0;
      samples += chunk.length;
    }
    firstMs.push(first);
    rtf.push((performance.now() - t0) / ((samples / tts.sampleRate) * 1000));
  }
  return { stt: median(sttMs), ttsFirst: median(firstMs), ttsRtf: median(rtf), choice: { stt: stt.name, tts: tts.name } };
}

const started = performance.now();
const skipped = missing();
let result: ModelsBench;
if (skipped) {
  say(`skip: ${skipped}`);
  result = ModelsBenchSchema.parse({ ep: auto.ep, stt_model: sttName, stt_ms_for_3s: null, cpu_stt_ms_for_3s: null, stt_rtf: null, tts_first_audio_ms: null, cpu_tts_first_audio_ms: null, tts_rtf: null, skipped });
} else {
  const clip = await threeSeconds();
  say(`${auto.ep} (auto):`);
  const gpu = await measure(auto, clip);
  // The baseline: the same models, clip and fragment on the CPU provider, in this run.
  const cpuChoice: ExecutionProviderChoice = { engine: 'speech models', requested: 'cpu', ep: 'cpu', fallback: false, reason: 'baseline' };
  say('cpu (baseline):');
  const cpu = auto.ep === 'cpu' ? gpu : await measure(cpuChoice, clip);
  result = ModelsBenchSchema.parse({
    ep: auto.ep,
    stt_model: sttName,
    stt_ms_for_3s: r1(gpu.stt),
    cpu_stt_ms_for_3s: r1(cpu.stt),
    stt_rtf: r3(gpu.stt / 3000),
    tts_first_audio_ms: r1(gpu.ttsFirst),
    cpu_tts_first_audio_ms: r1(cpu.ttsFirst),
    tts_rtf: r3(gpu.ttsRtf),
    skipped: null,
  });
  if (auto.ep === 'cpu') say('  no GPU provider here: the figures are the CPU baseline, and the goals (for an RTX 3070 class GPU) are not judged');
  else {
    const goals: Array<[string, boolean]> = [
      [`stt_ms_for_3s ${result.stt_ms_for_3s} <= 80 (${sttName})`, result.stt_ms_for_3s! <= 80],
      [`tts_first_audio_ms ${result.tts_first_audio_ms} <= 80 (five words)`, result.tts_first_audio_ms! <= 80],
    ];
    for (const [text, met] of goals) say(`  goal ${met ? 'met   ' : 'MISSED'} ${text}`);
    if (goals.some(([, met]) => !met)) process.exitCode = 1;
  }
}
say(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
say(json ? JSON.stringify(result) : JSON.stringify(result, null, 2));
