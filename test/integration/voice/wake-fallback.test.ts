// A missing or corrupt wake-word model: a clear error, hands-free falls back to off (the status and a notification
// say so, the hotkey still starts a turn), and the pipeline and the agent keep running. Real models, copied to a
// temporary folder and damaged there.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../../main/core/contracts/config.js';
import { checkHandsFree } from '../../../main/core/doctor/hands-free-check.js';
import { EventBus } from '../../../main/core/events/bus.js';
import { createLogger } from '../../../main/core/log/logger.js';
import { DEFAULT_ENDPOINT } from '../../../main/core/voice/endpointer.js';
import { PcmSource } from '../../../main/core/voice/file-source.js';
import { VoicePipeline } from '../../../main/core/voice/pipeline.js';
import { pipelineOptions } from '../../../main/core/voice/setup.js';
import { ScriptedLanguageModel, ScriptedSpeechToText, ToneTextToSpeech } from '../../../main/core/voice/test-engines.js';
import { createWakeDetector } from '../../../main/core/voice/wake/detector.js';
import { defaultWakeModelsDir } from '../../../main/core/voice/wake/models.js';
import { ANY_SPEECH_WARNING, handsFreeFromConfig } from '../../../main/core/voice/wake-setup.js';
import { tempDir } from '../../helpers/tmp.js';
import { CheckingSink, loudness } from '../../unit/voice/scripted.js';

const logger = createLogger({ sink: () => undefined, format: 'json' });

function modelsCopy(): string {
  const dir = tempDir('jett-wake-models-');
  for (const f of fs.readdirSync(defaultWakeModelsDir())) fs.copyFileSync(path.join(defaultWakeModelsDir(), f), path.join(dir, f));
  return dir;
}

async function fallback(modelsDir: string) {
  const bus = new EventBus();
  const notes: Array<{ title: string; body: string }> = [];
  bus.on('notification', (n) => notes.push(n));
  const config = ConfigSchema.parse({ voice: { activation: 'handsFree', wakeWord: 'hey_jarvis' } });
  const handsFree = await handsFreeFromConfig(config, { load: (word, threshold) => createWakeDetector({ word, threshold, modelsDir }), bus, logger });
  const opened: string[] = [];
  const pipeline = new VoicePipeline({
    engines: { stt: new ScriptedSpeechToText(), llm: new ScriptedLanguageModel(), tts: new ToneTextToSpeech({ msPerWord: 1 }) },
    sink: new CheckingSink(),
    vad: loudness,
    openSource: () => (opened.push('mic'), new PcmSource('silence', new Int16Array(16_000), 0)),
    logger,
    options: { ...pipelineOptions(config), activation: handsFree.activation, endpoint: DEFAULT_ENDPOINT },
    ...(handsFree.wake ? { wake: handsFree.wake } : {}),
  });
  return { handsFree, notes, pipeline, opened };
}

let stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const s of stops) await s();
  stops = [];
});

describe('hands-free falls back to off when the wake-word models cannot be loaded', () => {
  it('a corrupt head: its sha256 is named, hands-free is off, the hotkey still works', async () => {
    const dir = modelsCopy();
    const head = path.join(dir, 'hey_jarvis_v0.1.onnx');
    const bytes = fs.readFileSync(head);
    const mid = bytes.length >> 1;
    bytes[mid] = (bytes[mid] as number) ^ 0xff;
    fs.writeFileSync(head, bytes);
    const t = await fallback(dir);
    stops.push(() => t.pipeline.stop());
    expect(t.handsFree.activation).toBe('hotkey');
    expect(t.handsFree.wake).toBeNull();
    expect(t.handsFree.status).toMatchObject({ listening: 'off', word: 'hey_jarvis' });
    expect(t.handsFree.status?.reason).toMatch(/^hands-free is off: the wake-word model .*hey_jarvis_v0\.1\.onnx is corrupt: its sha256 is [0-9a-f]{64}, expected 94a13cfe/);
    expect(t.handsFree.status?.reason).toMatch(/reinstall Jett/);
    expect(t.notes).toHaveLength(1);
    expect(t.notes[0]).toMatchObject({ title: 'Hands-free is off' });
    expect(t.notes[0]!.body).toMatch(/corrupt[\s\S]*fix: reinstall Jett[\s\S]*The hotkey still starts a turn/);
    // The pipeline runs: nothing listens by itself, and the hotkey opens the microphone for a turn.
    await t.pipeline.start();
    expect(t.pipeline.currentState).toBe('idle');
    expect(t.opened).toEqual([]);
    await t.pipeline.toggle();
    expect(t.opened).toEqual(['mic']);
    await expect(t.pipeline.pauseHandsFree(true)).rejects.toMatchObject({ message: 'hands-free with a wake word is not on' });
  });

  it('a missing feature model: named with its path, hands-free off', async () => {
    const dir = modelsCopy();
    fs.rmSync(path.join(dir, 'melspectrogram.onnx'));
    const t = await fallback(dir);
    stops.push(() => t.pipeline.stop());
    expect(t.handsFree.activation).toBe('hotkey');
    expect(t.handsFree.status?.reason).toContain(`the wake-word model melspectrogram.onnx is missing at ${path.join(dir, 'melspectrogram.onnx')}`);
    expect(t.notes.map((n) => n.title)).toEqual(['Hands-free is off']);
  });

  it('voice.wakeWord none keeps any-speech hands-free, with a warning in the status', async () => {
    const bus = new EventBus();
    const config = ConfigSchema.parse({ voice: { activation: 'handsFree', wakeWord: 'none' } });
    const loads: string[] = [];
    const handsFree = await handsFreeFromConfig(config, { load: async (w) => (loads.push(w), Promise.reject(new Error('never'))), bus, logger });
    expect(loads).toEqual([]);
    expect(handsFree).toMatchObject({ activation: 'handsFree', wake: null, status: { listening: 'on', word: 'none', reason: ANY_SPEECH_WARNING } });
  });

  it('the hotkey activation loads no wake model at all', async () => {
    const config = ConfigSchema.parse({ voice: { activation: 'hotkey' } });
    const handsFree = await handsFreeFromConfig(config, { load: () => Promise.reject(new Error('never')), bus: new EventBus(), logger });
    expect(handsFree).toEqual({ activation: 'hotkey', wake: null, status: null });
  });
});

describe('voice.wakeWord and voice.wakeThreshold in the config', () => {
  it('defaults to hey_jarvis at 0.5', () => {
    expect(ConfigSchema.parse({}).voice).toMatchObject({ wakeWord: 'hey_jarvis', wakeThreshold: 0.5 });
  });

  it('refuses an unknown word and a threshold outside (0, 1], saying what is allowed', () => {
    const bad = (voice: object) => {
      const r = ConfigSchema.safeParse({ voice });
      return r.success ? 'accepted' : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    };
    expect(bad({ wakeWord: 'ok_google' })).toBe('voice.wakeWord: one of hey_jarvis, hey_mycroft, alexa, hey_rhasspy, none (none: any speech starts a turn in hands-free mode)');
    expect(bad({ wakeThreshold: 0 })).toBe('voice.wakeThreshold: above 0: a threshold of 0 would wake on everything');
    expect(bad({ wakeThreshold: 1.5 })).toBe('voice.wakeThreshold: at most 1: scores never exceed 1');
    expect(bad({ wakeThreshold: 'high' })).toBe('voice.wakeThreshold: a number from 0 to 1 (the wake-word score that counts as a detection; 0.5 to start)');
    expect(bad({ wakeWord: 'alexa', wakeThreshold: 0.7 })).toBe('accepted');
  });
});

describe('jett doctor on hands-free', () => {
  it('ok when not in use or when the models match; a warning for any-speech hands-free', async () => {
    expect(await checkHandsFree(ConfigSchema.parse({}))).toEqual({ name: 'hands-free', status: 'ok', detail: 'not in use (voice.activation hotkey)', fix: null });
    expect(await checkHandsFree(ConfigSchema.parse({ voice: { activation: 'handsFree' } }))).toMatchObject({ status: 'ok', detail: 'listening for hey_jarvis at threshold 0.5; its models match their sha256' });
    expect(await checkHandsFree(ConfigSchema.parse({ voice: { activation: 'handsFree', wakeWord: 'none' } }))).toEqual({ name: 'hands-free', status: 'warn', detail: ANY_SPEECH_WARNING, fix: '`jett config set voice.wakeWord hey_jarvis`' });
  });
});
