// The settings window's microphone screen in main: the capture page's device list with the saved choice, and one
// "say something" test at a time on the capture page, its meter levels pushed to the window. The microphone is open
// only while a test runs: it ends when the VAD ends the turn, at its limit, when the window stops it or closes, and
// when a voice turn wants the microphone.
import type { Config } from '../../core/contracts/config.js';
import { MIC_TEST_MAX_MS, type MicLevel, type MicrophonesView, type MicTestResult } from '../../core/contracts/mic-check.js';
import { JettError } from '../../core/errors.js';
import { DEFAULT_ENDPOINT } from '../../core/voice/endpointer.js';
import { runMicCheck } from '../../core/voice/mic-check.js';
import { pageDevices, type CapturePage } from '../../core/voice/page-capture.js';
import type { FrameClassifier } from '../../core/voice/vad.js';
import type { AgentHandle } from '../agent-handle.js';
import { captureSettings } from './route.js';

/** A test that hears nobody gives up after this long. */
export const MIC_TEST_LIMIT_MS = 15_000;
/** Voice states in which the pipeline holds the microphone. */
const BUSY = new Set(['listening', 'thinking', 'speaking']);

export interface MicTestDeps {
  /** The capture page; null where the app has none (then the screen says so). */
  page: CapturePage | null;
  config(): Config;
  agent: Pick<AgentHandle, 'status' | 'on' | 'voiceTranscribe'>;
  /** The VAD for the test (loaded on first use; its state is reset for each test). */
  loadVad(): Promise<FrameClassifier>;
  /** Pushes a level to the settings window (throttled by the test: about 15 a second). */
  sendLevel(level: MicLevel): void;
  platform: NodeJS.Platform;
  limitMs?: number;
  /** How long the device list may take before the window hears why not (default 5 s). */
  listTimeoutMs?: number;
}

const noPage = () => new JettError('this app has no capture page', 'start Jett from its installed program (the capture page is part of it)');

export class MicTestService {
  private running: AbortController | null = null;
  private vad: Promise<FrameClassifier> | null = null;

  constructor(private readonly deps: MicTestDeps) {}

  async microphones(): Promise<MicrophonesView> {
    if (!this.deps.page) throw noPage();
    let timer: NodeJS.Timeout | undefined;
    // A page that never answers must not leave the window waiting: it says so, and the test still runs on the default.
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new JettError('the capture page did not list its microphones', 'restart Jett; if it keeps happening, see JETT_HOME/logs/jett.log')), this.deps.listTimeoutMs ?? 5000);
    });
    const devices = await Promise.race([pageDevices(this.deps.page), late]).finally(() => clearTimeout(timer));
    const voice = this.deps.config().voice;
    const selected = voice.captureDevice;
    return { devices, selected, selectedMissing: selected !== '' && !devices.some((d) => d.deviceId === selected), capture: voice.capture };
  }

  async test(deviceId: string): Promise<MicTestResult> {
    const page = this.deps.page;
    if (!page) throw noPage();
    if (this.running) throw new JettError('a microphone test is already running', 'wait for it to end, or stop it, then start it again');
    const voice = (await this.deps.agent.status()).voice.state;
    if (BUSY.has(voice)) {
      throw new JettError(`Jett is using the microphone (voice is ${voice})`, 'end the voice turn (or pause hands-free from the tray menu), then test again');
    }
    const abort = new AbortController();
    this.running = abort;
    // A voice turn takes the microphone over: the test gives way at once instead of waiting for frames.
    const unwatch = this.deps.agent.on('voice.state', ({ state }) => {
      if (BUSY.has(state)) abort.abort();
    });
    try {
      this.vad ??= this.deps.loadVad().catch((err: unknown) => {
        this.vad = null;
        throw err;
      });
      const vad = await this.vad;
      const config = this.deps.config();
      return await runMicCheck({
        page,
        settings: { ...captureSettings(config), deviceId },
        vad,
        endpoint: { ...DEFAULT_ENDPOINT, silenceMs: config.voice.silenceMs },
        limitMs: Math.min(this.deps.limitMs ?? MIC_TEST_LIMIT_MS, MIC_TEST_MAX_MS),
        onLevel: (level) => this.deps.sendLevel(level),
        transcribe: (audio) => this.deps.agent.voiceTranscribe(audio),
        signal: abort.signal,
        platform: this.deps.platform,
      });
    } finally {
      unwatch();
      this.running = null;
    }
  }

  /** Ends the running test (the screen closed, the window closed, Stop); false when none runs. */
  stop(): boolean {
    const running = this.running;
    running?.abort();
    return running !== null;
  }
}
