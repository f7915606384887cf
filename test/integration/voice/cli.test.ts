// `jett voice --input FILE.wav --json`: one turn from a file through the configured engines (here: no speech
// model, so it says how to get one) and through the labelled test engines, which show every stage.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { VoiceDevicesOutputSchema, VoiceRunOutputSchema } from '../../../main/core/contracts/index.js';
import { makeClip, writeWav, type Clip } from '../../helpers/audio.js';
import { jett } from '../../helpers/cli.js';
import { binary, describeWith } from '../../helpers/requirements.js';
import { tempDir } from '../../helpers/tmp.js';

describeWith([binary('espeak-ng'), binary('sox')], 'jett voice', () => {
  let home: string;
  let wav: string;
  let clip: Clip;
  beforeAll(async () => {
    home = tempDir('jett-cli-voice-');
    clip = await makeClip(['What is on my calendar tomorrow'], { leadMs: 300, tailMs: 800 });
    wav = path.join(home, 'question.wav');
    writeWav(wav, clip.pcm);
  });

  it('with --test-engines runs the turn and prints transcript, reply and every stage', async () => {
    const out = path.join(home, 'reply.wav');
    const res = await jett(['voice', '--input', wav, '--json', '--test-engines', '--output', out], { home });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const parsed = VoiceRunOutputSchema.parse(JSON.parse(res.stdout.trim().split('\n').at(-1)!));
    expect(parsed.test_engines).toBe(true);
    const turn = parsed.turn;
    expect(turn.outcome).toBe('answered');
    expect(turn.engines.stt).toContain('not a model');
    expect(turn.transcript).toMatch(/^test transcript of/);
    expect(turn.reply.length).toBeGreaterThan(20);
    for (const [stage, v] of Object.entries(turn.latencies)) expect(v, stage).not.toBeNull();
    // The end of speech comes from the audio clock: the file's speech ended 300 ms of silence + VAD lag earlier.
    expect(turn.audio!.speech_end).toBeGreaterThanOrEqual(clip.speechEnd);
    expect(turn.latencies.speech_end_ms!).toBeLessThanOrEqual(-300);
    expect(fs.statSync(out).size).toBeGreaterThan(44 + 16_000);
  });

  it('prints the stages for a person, labelled as test engines', async () => {
    const res = await jett(['voice', '--input', wav, '--test-engines', '--output', path.join(home, 'r2.wav')], { home });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('TEST ENGINES');
    expect(res.stdout).toMatch(/stt final \d+ ms, llm first token \d+ ms, first fragment \d+ ms, tts first audio \d+ ms, playback start \d+ ms/);
  });

  it('without a speech-to-text model says so and how to get one', async () => {
    const res = await jett(['voice', '--input', wav, '--json'], { home });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('EngineError: no speech-to-text model is installed');
    expect(res.stderr).toContain('jett models pull');
    expect(res.stderr).toContain('--test-engines');
  });

  it('a missing input file is a clear error', async () => {
    const res = await jett(['voice', '--input', path.join(home, 'nope.wav'), '--test-engines'], { home });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('cannot read');
    expect(res.stderr).toContain('ENOENT');
  });

  it('lists microphones as JSON', async () => {
    const res = await jett(['voice', 'devices', '--json'], { home });
    expect(res.code).toBe(0);
    const list = VoiceDevicesOutputSchema.parse(JSON.parse(res.stdout));
    expect(list.supported).toBe(process.platform === 'linux');
  });
});
