// Memory in voice turns, end to end with the test engines and the real memory parts (minilm-standin through
// transformers.js, jett.db with sqlite-vec, the outbox): a fact remembered aloud reaches the LLM's prompt, dated,
// when asked about later beyond the recent turns; spoken forget and recall; and a damaged embedding model or a
// failing recall leaves voice answering without memory.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigSchema, type ConfigInput } from '../../../main/core/contracts/config.js';
import type { Catalogue } from '../../../main/core/contracts/models.js';
import type { VoiceTurnRecord } from '../../../main/core/contracts/voice.js';
import { openLocalDb, type LocalDb } from '../../../main/core/db/local-db.js';
import { EventBus } from '../../../main/core/events/bus.js';
import { createLogger } from '../../../main/core/log/logger.js';
import { loadVoiceMemory } from '../../../main/core/memory/setup.js';
import { MemoryStore } from '../../../main/core/memory/store.js';
import { MEMORY_HEADER, VoiceMemory } from '../../../main/core/memory/voice-memory.js';
import { Outbox } from '../../../main/core/outbox/store.js';
import { DEFAULT_ENDPOINT } from '../../../main/core/voice/endpointer.js';
import type { TurnMemory } from '../../../main/core/voice/memory-hook.js';
import { VoicePipeline } from '../../../main/core/voice/pipeline.js';
import { VoiceStore } from '../../../main/core/voice/store.js';
import { ScriptedLanguageModel, ScriptedSpeechToText, ToneTextToSpeech } from '../../../main/core/voice/test-engines.js';
import { miniLmModelsDir, STANDIN_NAME, standInEntry } from '../../helpers/minilm-standin.js';
import { tempDir } from '../../helpers/tmp.js';
import { CheckingSink, loudness, ScriptedMic, silence, speech } from '../../unit/voice/scripted.js';

const catalogue: Catalogue = { version: 1, models: [standInEntry] };
const cpuOnly = async () => ({ platform: process.platform, arch: process.arch, backends: [{ name: 'cpu', bundled: true }], libDir: null });
const opened: LocalDb[] = [];
const pipelines: VoicePipeline[] = [];
afterEach(async () => {
  for (const p of pipelines.splice(0)) await p.stop();
  for (const l of opened.splice(0)) if (l.db.open) l.close();
});

async function world(opts: { modelsDir?: string; memory?: (local: LocalDb, outbox: Outbox) => TurnMemory | null; config?: ConfigInput } = {}) {
  const local = openLocalDb(path.join(tempDir(), 'jett.db'));
  opened.push(local);
  const outbox = new Outbox(local);
  const bus = new EventBus();
  const notes: string[] = [];
  bus.on('notification', (n) => notes.push(`${n.title}: ${n.body}`));
  const lines: string[] = [];
  const logger = createLogger({ sink: (line) => lines.push(line), format: 'json' });
  const config = ConfigSchema.parse({ models: { embed: STANDIN_NAME, executionProvider: 'cpu' }, voice: { memoryTurns: 1 }, ...opts.config });
  const memory = opts.memory
    ? opts.memory(local, outbox)
    : await loadVoiceMemory({ config, modelsDir: opts.modelsDir ?? miniLmModelsDir(), db: local.db, outbox, bus, logger, catalogue, ort: cpuOnly });
  const heard: string[] = [];
  const llm = new ScriptedLanguageModel({ reply: 'Sure.' });
  const mics: ScriptedMic[] = [];
  const pipeline = new VoicePipeline({
    engines: { stt: new ScriptedSpeechToText({ text: () => heard.shift() ?? '' }), llm, tts: new ToneTextToSpeech() },
    sink: new CheckingSink(),
    vad: loudness,
    // Each listening session opens the microphone anew, as the real one does.
    openSource: () => {
      const mic = new ScriptedMic();
      mics.push(mic);
      return mic;
    },
    logger,
    bus,
    store: new VoiceStore(local.db),
    options: { activation: 'hotkey', bargeIn: 'off', endpoint: DEFAULT_ENDPOINT, memoryTurns: config.voice.memoryTurns, systemPrompt: 'be brief' },
    ...(memory ? { memory } : {}),
  });
  pipelines.push(pipeline);
  await pipeline.start();
  /** One spoken turn through the microphone, VAD and the (scripted) speech-to-text. */
  const say = async (words: string): Promise<VoiceTurnRecord> => {
    heard.push(words);
    await pipeline.startListening();
    const done = new Promise<VoiceTurnRecord>((resolve) => pipeline.onTurn(resolve));
    mics.at(-1)!.say(silence(200), speech(800), silence(600));
    return done;
  };
  /** Memory writes after a turn is published (off the latency path): wait for the pipeline to hand them over, then for them. */
  const settled = async () => {
    await new Promise((resolve) => setImmediate(resolve));
    await (memory as VoiceMemory).idle();
  };
  return { local, outbox, memory, pipeline, llm, say, settled, notes, lines };
}

describe('memory in voice turns', () => {
  it('a fact remembered aloud reaches the LLM prompt, dated, when asked about after other turns', async () => {
    const w = await world();
    const told = await w.say('Remember that the plumber comes on Tuesday.');
    expect(told.reply).toBe("Okay, I'll remember that the plumber comes on Tuesday.");
    await w.pipeline.ask('What is the capital of France?');
    await w.pipeline.ask('Tell me a joke about cats.');
    await w.settled();
    const asked = await w.say('When does the plumber come?');
    expect(asked.outcome).toBe('answered');
    const messages = w.llm.lastMessages;
    expect(messages[0]).toEqual({ role: 'system', content: 'be brief' });
    expect(messages[1]!.role).toBe('system');
    expect(messages[1]!.content).toContain(MEMORY_HEADER);
    expect(messages[1]!.content).toMatch(/^- \d{4}-\d{2}-\d{2}: The plumber comes on Tuesday\.$/m);
    expect(messages.at(-1)).toEqual({ role: 'user', content: 'When does the plumber come?' });
    // The last turn is in the prompt word for word already (voice.memoryTurns 1), so it is not recalled again.
    expect(messages[1]!.content).not.toContain('cats');
    await w.settled();
    const store = new MemoryStore(w.local.db);
    expect(store.list().map((i) => [i.kind, i.text.split('\n')[0]])).toEqual([
      ['turn', 'Q: When does the plumber come?'],
      ['turn', 'Q: Tell me a joke about cats.'],
      ['turn', 'Q: What is the capital of France?'],
      ['fact', 'The plumber comes on Tuesday.'],
    ]);
  });

  it('answers "what do you remember about" from memory, and "forget" removes the item here and queues its tombstone', async () => {
    const w = await world();
    await w.say('Remember that the bins go out on Monday.');
    await w.settled();
    expect((await w.say('What do you remember about the bins?')).reply).toBe('I remember: The bins go out on Monday.');
    expect((await w.say('Forget the bins.')).reply).toBe("I've forgotten: The bins go out on Monday.");
    await w.settled();
    expect(new MemoryStore(w.local.db).list().filter((i) => i.kind === 'fact')).toEqual([]);
    const kinds = (w.local.db.prepare('SELECT kind FROM outbox ORDER BY seq').pluck().all() as string[]).filter((k) => k !== 'voice.turn');
    expect(kinds.at(-1)).toBe('event.redact');
    expect(w.local.db.prepare("SELECT count(*) FROM outbox WHERE payload LIKE '%bins go out%'").pluck().get()).toBe(0);
  });

  it('a spoken announcement (speak) is not remembered; an answered question is', async () => {
    const w = await world();
    await w.pipeline.speak('The washing machine has finished.');
    await w.pipeline.ask('How warm will it be tomorrow?');
    await w.settled();
    expect(new MemoryStore(w.local.db).list().map((i) => i.text)).toEqual(['Q: How warm will it be tomorrow?\nA: Sure.']);
  });

  it('a corrupt embedding model: memory is off with a clear reason, and voice still answers', async () => {
    const dir = tempDir();
    fs.cpSync(path.join(miniLmModelsDir(), STANDIN_NAME), path.join(dir, STANDIN_NAME), { recursive: true });
    const model = path.join(dir, STANDIN_NAME, 'onnx', 'model.onnx');
    fs.writeFileSync(model, fs.readFileSync(model).subarray(0, 50_000));
    const w = await world({ modelsDir: dir });
    expect(w.memory).toBeNull();
    expect(w.notes).toEqual([expect.stringMatching(/^Memory is off: cannot load minilm-standin: .*jett models verify minilm-standin/)]);
    const turn = await w.say('When does the plumber come?');
    expect(turn.outcome).toBe('answered');
    expect(turn.reply).toBe('Sure.');
  });

  it('a missing embedding model: memory is off, said in the log, and voice still answers', async () => {
    const w = await world({ modelsDir: tempDir() });
    expect(w.memory).toBeNull();
    expect(w.lines.some((l) => l.includes('memory is off: its embedding model is not downloaded'))).toBe(true);
    expect((await w.say('Hello there.')).outcome).toBe('answered');
  });

  it('recall that fails during a turn is logged and the turn is answered without memory', async () => {
    const broken = { name: 'broken', model: 'broken', dims: 384, embed: async () => Promise.reject(new Error('GPU lost')) };
    const w = await world({ memory: (local, outbox) => new VoiceMemory(broken, new MemoryStore(local.db, { outbox }), { items: 5, tokens: 400, recentTurns: 1 }) });
    const store = new MemoryStore(w.local.db);
    store.add({ kind: 'fact', text: 'something', vector: new Float32Array(384).fill(1 / Math.sqrt(384)), model: 'm' });
    const turn = await w.say('When does the plumber come?');
    expect(turn.outcome).toBe('answered');
    expect(w.llm.lastMessages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(w.lines.some((l) => l.includes('memory: recall failed, answering without it') && l.includes('GPU lost'))).toBe(true);
  });
});
