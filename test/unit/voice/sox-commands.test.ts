// sox's command lines per platform, and the recorder and player running the sox Jett resolved (a stand-in sox in
// a "Program Files (x86)\sox-14-4-2"-style folder off PATH), with the waveaudio device syntax on Windows.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MicrophoneSource, recorderCommand } from '../../../main/core/voice/capture.js';
import { liveChildren } from '../../../main/core/voice/children.js';
import { listInputDevices } from '../../../main/core/voice/devices.js';
import { EngineError } from '../../../main/core/voice/errors.js';
import { HushableSink } from '../../../main/core/voice/hushable-sink.js';
import { playbackArgs, SoxPlayer } from '../../../main/core/voice/playback.js';
import { tempDir } from '../../helpers/tmp.js';

const RAW_16K = ['--rate', '16000', '--channels', '1', '--encoding', 'signed-integer', '--bits', '16', '--type', 'raw', '-'];

/**
 * A stand-in sox in a folder whose name has spaces and parentheses, far from PATH. It records its argv (one per
 * line), then either sends 0.1 s of non-silent audio and waits (recording), or adds its stdin to played.raw and then
 * takes `playOutS` to play out what a speaker's buffer would still hold (playing).
 */
function standInSox(playOutS = 0): { bin: string; argv: () => string[]; played: () => Buffer } {
  const dir = path.join(tempDir('jett-sox-'), 'Program Files (x86)', 'sox-14-4-2');
  fs.mkdirSync(dir, { recursive: true });
  const bin = path.join(dir, 'sox');
  fs.writeFileSync(
    bin,
    [
      '#!/bin/bash',
      'here="$(dirname "$0")"',
      'printf "%s\\n" "$@" > "$here/argv"',
      'if [ "$3" = "waveaudio" ]; then head -c 3200 /dev/zero | tr "\\0" "\\1"; exec sleep 30; fi',
      'cat >> "$here/played.raw"',
      ...(playOutS > 0 ? [`sleep ${playOutS}`] : []),
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  return {
    bin,
    argv: () => fs.readFileSync(path.join(dir, 'argv'), 'utf8').trimEnd().split('\n'),
    played: () => fs.readFileSync(path.join(dir, 'played.raw')),
  };
}

describe('sox command lines', () => {
  it('records on Windows from waveaudio with the device as given: "default", a number, or the start of a name', () => {
    for (const device of ['default', '1', 'Microphone (Realtek(R) Audio)']) {
      expect(recorderCommand('sox', device, 'win32')).toEqual({ program: 'sox', args: ['--no-show-progress', '-t', 'waveaudio', device, ...RAW_16K], env: {} });
    }
  });

  it('records elsewhere from sox\'s default device, a named one through AUDIODEV, or arecord -D', () => {
    expect(recorderCommand('sox', 'default', 'linux')).toEqual({ program: 'sox', args: ['--no-show-progress', '--default-device', ...RAW_16K], env: {} });
    expect(recorderCommand('sox', 'hw:1,0', 'linux').env).toEqual({ AUDIODEV: 'hw:1,0' });
    expect(recorderCommand('arecord', 'hw:1,0', 'linux').args.slice(0, 3)).toEqual(['-q', '-D', 'hw:1,0']);
  });

  it('plays through sox itself (SoX for Windows has no play.exe): waveaudio on Windows, the default device elsewhere', () => {
    expect(playbackArgs(22_050, 'win32').slice(-4)).toEqual(['-', '-t', 'waveaudio', 'default']);
    expect(playbackArgs(22_050, 'linux').slice(-2)).toEqual(['-', '--default-device']);
    expect(playbackArgs(22_050, 'win32')).toContain('22050');
  });
});

describe('microphone names on Windows', () => {
  it('`jett voice devices` says which names sox takes there, since it cannot list them', async () => {
    const list = await listInputDevices({ platform: 'win32', resolveBinary: () => null });
    expect(list.supported).toBe(false);
    expect(list.note).toMatch(/"default", a number .*start of the name/);
  });
});

describe('the resolved sox runs, not a bare name', () => {
  it('records through the sox Jett found off PATH, with the Windows arguments, and kills it on stop', async () => {
    const sox = standInSox();
    const source = new MicrophoneSource({ recorder: 'sox', device: 'Microphone (USB', platform: 'win32', resolveBinary: (n) => (n === 'sox' ? sox.bin : null) });
    let samples = 0;
    for await (const chunk of source.chunks()) {
      samples += chunk.length;
      if (samples >= 1600) break;
    }
    await source.stop();
    expect(samples).toBe(1600);
    expect(sox.argv()).toEqual(['--no-show-progress', '-t', 'waveaudio', 'Microphone (USB', ...RAW_16K]);
    expect(liveChildren()).toEqual([]);
  });

  it('plays a reply through the sox Jett found, every sample reaching it', async () => {
    const sox = standInSox();
    const player = new SoxPlayer({ platform: 'win32', resolveBinary: (n) => (n === 'sox' ? sox.bin : null) });
    const pcm = Int16Array.from({ length: 22_050 }, (_, i) => (i % 200) - 100);
    await player.open(22_050);
    await player.write(pcm);
    await player.drain();
    expect(sox.argv().slice(-4)).toEqual(['-', '-t', 'waveaudio', 'default']);
    expect(sox.played().equals(Buffer.from(pcm.buffer))).toBe(true);
  });

  it('asks only for sox, and says how to install SoX for Windows when it is missing', async () => {
    const asked: string[] = [];
    const player = new SoxPlayer({ platform: 'win32', resolveBinary: (n) => (asked.push(n), null) });
    const err = await player.open(22_050).catch((e: unknown) => e);
    expect(asked).toEqual(['sox']);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).fix).toContain('Program Files');
  });
});

describe('a reply through sox, hushed and going on', () => {
  it('a hush while sox plays out kills it; the reply goes on in a new sox, which the drain waits for', async () => {
    const sox = standInSox(1);
    const sink = new HushableSink(new SoxPlayer({ platform: 'linux', resolveBinary: (n) => (n === 'sox' ? sox.bin : null) }));
    const pcm = Int16Array.from({ length: 32_000 }, (_, i) => (i % 40) * 200 - 4000);
    await sink.open(16_000);
    await sink.write(pcm);
    // Everything is handed over; sox is still playing it out when the user's likely onset comes.
    const drained = sink.drain();
    await new Promise((r) => setTimeout(r, 200));
    expect(sink.hush()).toBe(true);
    await sink.resume();
    await drained;
    // The drain ended with the second sox, not with the first one's kill: nothing is left running, and the second
    // one played what was left of the reply.
    expect(liveChildren()).toEqual([]);
    expect(sox.played().length).toBeGreaterThan(pcm.byteLength);
  });
});
