// Microphone capture through sox (or arecord on Linux), run from the absolute path Jett resolved: a 16 kHz mono
// S16LE stream whose child process never outlives stop(), a failure, or the process itself.
import { execa, type ResultPromise } from 'execa';
import { terminate, track } from './children.js';
import { CaptureError } from './errors.js';
import { SAMPLE_RATE } from './vad.js';

export type RecorderKind = 'sox' | 'arecord';

/** A source of 16 kHz mono audio: the microphone, or a file for `jett voice --input`. */
export interface AudioSource {
  readonly name: string;
  /** The audio, chunk by chunk, until stop() or the end of the source. Throws a CaptureError on failure. */
  chunks(): AsyncIterable<Int16Array>;
  stop(): Promise<void>;
}

export interface MicrophoneOptions {
  recorder: RecorderKind;
  /** sox/arecord device name; 'default' uses the system default. */
  device: string;
  platform?: NodeJS.Platform;
  resolveBinary: (name: string) => string | null;
}

const INSTALL_HINT: Partial<Record<NodeJS.Platform, string>> = {
  win32: 'install SoX for Windows (https://sourceforge.net/projects/sox/, sox-14.4.2-win32.exe): Jett finds sox.exe in its Program Files folder or on PATH; then restart Jett',
  darwin: 'run `brew install sox`',
  linux: 'run `sudo apt-get install sox libsox-fmt-alsa` (or `npm run setup:linux`)',
};
/** After this much audio of exact zeros Windows is almost certainly blocking the microphone. */
const ZERO_SAMPLES_LIMIT = 2 * SAMPLE_RATE;

/** Turns what sox or arecord printed before dying into an error that says what to do. */
export function captureFailure(opts: { recorder: RecorderKind; device: string; stderr: string; code: number | null; platform: NodeJS.Platform }): CaptureError {
  const { recorder, device, stderr, platform } = opts;
  const said = stderr.trim().split('\n').slice(-2).join(' ').slice(0, 300);
  const which = device === 'default' ? 'the default microphone' : `microphone "${device}"`;
  if (/busy|in use|MMSYSERR_ALLOCATED/i.test(stderr)) {
    return new CaptureError(`${which} is busy: another program holds it (${recorder}: ${said})`, 'close the program using the microphone (a call or a recorder), or pick another one with `jett config set voice.inputDevice NAME` (`jett voice devices` lists them)');
  }
  if (platform === 'win32' && /access|denied|permission|MMSYSERR_NODRIVER|BADDEVICEID/i.test(stderr)) {
    return new CaptureError(`${which} could not be opened: Windows may be blocking microphone access (${said})`, 'open Settings > Privacy & security > Microphone and turn on "Let desktop apps access your microphone"');
  }
  if (/no default audio device|can't open input|cannot open|no such|not found|unknown pcm|cannot find card|invalid/i.test(stderr)) {
    return new CaptureError(`${which} is absent: ${recorder} could not open it (${said})`, 'plug in a microphone, or pick one with `jett config set voice.inputDevice NAME` (`jett voice devices` lists them)');
  }
  return new CaptureError(`${recorder} stopped recording from ${which} (exit code ${opts.code ?? 'signal'}): ${said || 'no message'}`, 'run `jett doctor`, then try `jett voice devices` and another voice.inputDevice');
}

export interface RecorderCommand {
  /** The program to resolve to an absolute path: SoX for Windows ships sox.exe only, no rec.exe. */
  program: 'sox' | 'arecord';
  args: string[];
  /** Variables added to the environment (sox reads the ALSA/PulseAudio device from AUDIODEV). */
  env: Record<string, string>;
}

/**
 * The recorder's command line for 16 kHz mono signed 16-bit raw audio on stdout. Windows: sox's waveaudio driver
 * takes "default" (the system default microphone), a device number, or the start of a device name (soxformat(7),
 * "waveaudio"; src/waveaudio.c of SoX 14.4.2), given as the input file. Elsewhere: sox's default device (`-d`,
 * the device named by AUDIODEV) or arecord -D.
 */
export function recorderCommand(recorder: RecorderKind, device: string, platform: NodeJS.Platform): RecorderCommand {
  const output = ['--rate', String(SAMPLE_RATE), '--channels', '1', '--encoding', 'signed-integer', '--bits', '16', '--type', 'raw', '-'];
  if (recorder === 'arecord') {
    return { program: 'arecord', args: ['-q', ...(device === 'default' ? [] : ['-D', device]), '-r', String(SAMPLE_RATE), '-c', '1', '-t', 'raw', '-f', 'S16_LE', '-'], env: {} };
  }
  if (platform === 'win32') return { program: 'sox', args: ['--no-show-progress', '-t', 'waveaudio', device, ...output], env: {} };
  return { program: 'sox', args: ['--no-show-progress', '--default-device', ...output], env: device === 'default' ? {} : { AUDIODEV: device } };
}

export class MicrophoneSource implements AudioSource {
  readonly name: string;
  private child: ResultPromise | null = null;
  private stopping = false;
  private readonly platform: NodeJS.Platform;

  constructor(private readonly opts: MicrophoneOptions) {
    this.platform = opts.platform ?? process.platform;
    this.name = `${opts.recorder}:${opts.device}`;
  }

  async *chunks(): AsyncIterable<Int16Array> {
    const { recorder, device } = this.opts;
    if (recorder === 'arecord' && this.platform !== 'linux') {
      throw new CaptureError('arecord exists on Linux only', 'run `jett config set voice.recorder sox`');
    }
    const command = recorderCommand(recorder, device, this.platform);
    const binary = this.opts.resolveBinary(command.program);
    if (!binary) {
      throw new CaptureError(`${recorder} is not installed, so Jett cannot record the microphone`, INSTALL_HINT[this.platform] ?? 'install sox and put it on PATH');
    }
    this.stopping = false;
    // The path Jett resolved, never a bare name: SoX's Windows installer does not put sox.exe on PATH.
    const child = execa(binary, command.args, { stdin: 'ignore', stdout: 'pipe', stderr: 'pipe', buffer: false, encoding: 'buffer', reject: false, env: command.env });
    this.child = child;
    track(child);
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    const exited = child.then((res) => ({ code: res.exitCode ?? null, spawnError: res.failed && res.exitCode === undefined && res.signal === undefined ? res : null }));
    let carry: Buffer | null = null;
    let zeros = 0;
    try {
      for await (const data of child.stdout as AsyncIterable<Buffer>) {
        let buf: Buffer = carry ? Buffer.concat([carry, data]) : data;
        const usable: number = buf.length - (buf.length % 2);
        carry = usable < buf.length ? buf.subarray(usable) : null;
        buf = buf.subarray(0, usable);
        if (buf.length === 0) continue;
        const pcm = new Int16Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
        if (this.platform === 'win32' && zeros >= 0) {
          zeros = pcm.every((s) => s === 0) ? zeros + pcm.length : -1;
          if (zeros >= ZERO_SAMPLES_LIMIT) {
            throw new CaptureError(`${this.name} delivers only digital silence: Windows is probably blocking microphone access`, 'open Settings > Privacy & security > Microphone and turn on "Let desktop apps access your microphone", or pick another voice.inputDevice');
          }
        }
        yield pcm;
      }
      const end = await exited;
      if (!this.stopping) {
        if (end.spawnError) throw new CaptureError(`${recorder} could not be started: ${end.spawnError.shortMessage}`, INSTALL_HINT[this.platform] ?? 'install sox');
        throw captureFailure({ recorder, device, stderr, code: end.code, platform: this.platform });
      }
    } finally {
      this.child = null;
      await terminate(child);
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (child) await terminate(child);
  }
}
