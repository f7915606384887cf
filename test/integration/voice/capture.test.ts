// Real capture: sox and arecord record an ALSA `file` device fed with espeak-ng speech, through the real
// recorder code; the child process never outlives a stop, a SIGKILL of its parent, or a crash.
import { execa } from 'execa';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MicrophoneSource, captureFailure, type RecorderKind } from '../../../main/core/voice/capture.js';
import { liveChildren } from '../../../main/core/voice/children.js';
import { CaptureError } from '../../../main/core/voice/errors.js';
import { DEFAULT_ENDPOINT, msToSamples } from '../../../main/core/voice/endpointer.js';
import { resolveBinary } from '../../../main/core/process/binaries.js';
import { TurnDetector, type DetectedTurn } from '../../../main/core/voice/turn-detector.js';
import { SileroVad } from '../../../main/core/voice/vad.js';
import { fakeMicrophone, makeClip, type Clip } from '../../helpers/audio.js';
import { binary, describeWith } from '../../helpers/requirements.js';
import { tempDir } from '../../helpers/tmp.js';

const realHome = process.env.HOME;
afterEach(() => {
  process.env.HOME = realHome;
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits (bounded) for a process to be gone; the answer, not the time it took, is what the test checks. */
async function gone(pid: number, withinMs = 5000): Promise<boolean> {
  for (let waited = 0; waited < withinMs; waited += 20) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return !alive(pid);
}

const which = (n: string) => resolveBinary(n);

describeWith([binary('sox'), binary('arecord'), binary('espeak-ng')], 'microphone capture from a fake ALSA device', () => {
  let clip: Clip;
  let vad: SileroVad;
  beforeAll(async () => {
    clip = await makeClip(['Please turn off the heating'], { leadMs: 500, tailMs: 1500 });
    vad = await SileroVad.load();
  });

  for (const recorder of ['sox', 'arecord'] as RecorderKind[]) {
    it(`${recorder}: records the speech sample-exactly, ends the turn on time, and its child is gone after stop`, async () => {
      const mic = fakeMicrophone(tempDir('jett-mic-'), clip.pcm, { recorder });
      process.env.HOME = mic.home;
      const source = new MicrophoneSource({ recorder, device: 'default', resolveBinary: which });
      const detector = new TurnDetector(vad, DEFAULT_ENDPOINT);
      detector.reset();
      let turn: DetectedTurn | null = null;
      let pids: number[] = [];
      for await (const chunk of source.chunks()) {
        if (pids.length === 0) pids = liveChildren();
        for (const ev of await detector.push(chunk)) if (ev.type === 'turn-end') turn = ev.turn;
        if (turn) break;
      }
      await source.stop();
      expect(turn).not.toBeNull();
      expect(turn!.turnEnd).toBeGreaterThanOrEqual(clip.speechEnd + msToSamples(300));
      expect(turn!.turnEnd).toBeLessThanOrEqual(clip.speechEnd + msToSamples(300 + 250));
      // The recorded audio is the file, sample for sample; sox mixes the device's stereo back to mono and its
      // dither may move a sample by one step.
      const from = turn!.audioStart;
      const diff = turn!.audio.reduce((m, s, i) => Math.max(m, Math.abs(s - (clip.pcm[from + i] as number))), 0);
      expect(diff).toBeLessThanOrEqual(recorder === 'sox' ? 1 : 0);
      expect(pids.length).toBe(1);
      expect(await gone(pids[0]!)).toBe(true);
      expect(liveChildren()).toEqual([]);
    });
  }

  it('stop() while recording ends the stream and kills the recorder', async () => {
    const mic = fakeMicrophone(tempDir('jett-mic-'), clip.pcm);
    process.env.HOME = mic.home;
    const source = new MicrophoneSource({ recorder: 'sox', device: 'default', resolveBinary: which });
    let chunks = 0;
    let pid = 0;
    for await (const _ of source.chunks()) {
      pid ||= liveChildren()[0] ?? 0;
      if (++chunks === 3) void source.stop();
    }
    expect(pid).toBeGreaterThan(0);
    expect(await gone(pid)).toBe(true);
  });

  for (const mode of ['sigkill', 'crash'] as const) {
    it(`no sox survives its parent process being ${mode === 'sigkill' ? 'killed with SIGKILL' : 'crashed by an uncaught exception'}`, async () => {
      const mic = fakeMicrophone(tempDir('jett-mic-'), clip.pcm);
      const script = path.join(import.meta.dirname, 'fixtures', 'capture-child.ts');
      const child = execa(process.execPath, ['--import', 'tsx', script, mode === 'crash' ? 'crash' : 'wait'], { env: { ...process.env, HOME: mic.home }, reject: false, buffer: { stdout: false } });
      const pids = await new Promise<number[]>((resolve, reject) => {
        child.stdout?.once('data', (d: Buffer) => resolve((JSON.parse(d.toString().split('\n')[0]!) as { pids: number[] }).pids));
        child.once('exit', () => reject(new Error('the child exited before it recorded')));
      });
      expect(pids).toHaveLength(1);
      if (mode === 'sigkill') child.kill('SIGKILL');
      const res = await child;
      expect(mode === 'sigkill' ? res.signal : res.exitCode).toBe(mode === 'sigkill' ? 'SIGKILL' : 1);
      expect(await gone(pids[0]!)).toBe(true);
    });
  }

  it('says how to install sox when it is missing', async () => {
    const source = new MicrophoneSource({ recorder: 'sox', device: 'default', resolveBinary: () => null, platform: 'linux' });
    const err = await (async () => {
      for await (const _ of source.chunks()) return null;
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CaptureError);
    expect((err as CaptureError).message).toContain('sox is not installed');
    expect((err as CaptureError).fix).toContain('apt-get install sox');
  });

  for (const recorder of ['sox', 'arecord'] as RecorderKind[]) {
    it(`${recorder}: an absent device is an error that names it and how to pick another`, async () => {
      process.env.HOME = tempDir('jett-nomic-');
      const source = new MicrophoneSource({ recorder, device: 'hw:CARD=JettNoSuchCard', resolveBinary: which });
      const err = await (async () => {
        for await (const _ of source.chunks()) return null;
      })().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CaptureError);
      expect((err as CaptureError).message).toMatch(/JettNoSuchCard.*absent/);
      expect((err as CaptureError).fix).toContain('voice.inputDevice');
      expect(liveChildren()).toEqual([]);
    });
  }
});

describe('capture failure messages', () => {
  it('tells a busy device, and a microphone blocked by Windows privacy settings, apart', () => {
    const busy = captureFailure({ recorder: 'arecord', device: 'default', stderr: 'arecord: main:831: audio open error: Device or resource busy', code: 1, platform: 'linux' });
    expect(busy.message).toContain('busy');
    const blocked = captureFailure({ recorder: 'sox', device: 'default', stderr: 'sox FAIL sox: waveaudio: Access is denied.', code: 2, platform: 'win32' });
    expect(blocked.fix).toContain('Privacy & security > Microphone');
  });
});
