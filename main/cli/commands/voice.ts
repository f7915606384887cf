// `jett voice`: one turn from a file through the configured (or test) engines, the microphone, and the device list.
import type Database from 'better-sqlite3';
import type { Command } from 'commander';
import type { Config } from '../../core/contracts/config.js';
import { VoiceDevicesOutputSchema, VoiceRunOutputSchema, type VoiceTurnRecord } from '../../core/contracts/voice.js';
import { openLocalDb } from '../../core/db/local-db.js';
import { UsageError } from '../../core/errors.js';
import { resolveBinary } from '../../core/process/binaries.js';
import type { Runtime } from '../../core/runtime.js';
import { listInputDevices } from '../../core/voice/devices.js';
import { readAudioFile, PcmSource, writeWav } from '../../core/voice/file-source.js';
import { MemorySink } from '../../core/voice/playback.js';
import { buildPipeline, configuredEngines } from '../../core/voice/setup.js';
import { handsFreeFromConfig } from '../../core/voice/wake-setup.js';
import { WakeLog } from '../../core/voice/wake-log.js';
import { EventBus } from '../../core/events/bus.js';
import { modelEngineProviders } from '../../core/voice/models/providers.js';
import type { CliContext } from '../context.js';
import { registerVoiceHistory } from './voice-history.js';
import { registerVoiceWake } from './voice-wake.js';
import { untilSignal } from '../stop-signal.js';

interface RunOptions {
  input?: string;
  json?: boolean;
  testEngines?: boolean;
  output?: string;
  realtime?: boolean;
}

/** jett.db as the agent opens it (migrated): the turns go to voice_turns, a false wake to wake_events. */
function openDb(rt: Runtime): Database.Database {
  return openLocalDb(rt.paths.database).db;
}

function describeTurn(t: VoiceTurnRecord, testEngines: boolean): string[] {
  const l = t.latencies;
  const f = (v: number | null) => (v === null ? '-' : `${v.toFixed(0)} ms`);
  return [
    ...(testEngines ? ['engines: TEST ENGINES (scripted, not models), timed like an RTX 3070'] : []),
    `engines: stt ${t.engines.stt ?? '-'} | llm ${t.engines.llm ?? '-'} | tts ${t.engines.tts}`,
    `outcome: ${t.outcome}${t.reason ? ` (${t.reason})` : ''}`,
    `transcript: ${t.transcript || '-'}`,
    `reply: ${t.reply || '-'}`,
    `latency from the end-of-turn decision: speech end ${f(l.speech_end_ms)}, stt final ${f(l.stt_final_ms)}, llm first token ${f(l.llm_first_token_ms)}, first fragment ${f(l.first_fragment_ms)}, tts first audio ${f(l.tts_first_audio_ms)}, playback start ${f(l.playback_start_ms)}`,
    `speech end -> first audio: ${f(l.speech_end_to_audio_ms)}`,
  ];
}

export function registerVoice(program: Command, ctx: CliContext): void {
  const which = (name: string) => resolveBinary(name, { env: ctx.env });
  const setup = async (config: Config, rt: Runtime, opts: { testEngines?: boolean }) =>
    configuredEngines(config, { resolveBinary: which, modelsDir: config.models.dir || rt.paths.models, testEngines: opts.testEngines ?? false, providers: modelEngineProviders({ logger: rt.logger }) });

  const voice = program
    .command('voice')
    .description('run one voice turn from a file (--input), listen to the microphone (listen), list microphones (devices), or past turns (history)')
    .option('--input <file>', 'audio file with one spoken turn (WAV; other formats through sox)')
    .option('--json', 'print {"input","test_engines","turn":{transcript, reply, latencies...}}')
    .option('--test-engines', 'use the deterministic TEST engines (not models), timed like an RTX 3070: shows every stage before any model is installed')
    .option('--output <file>', 'write the spoken reply to this WAV instead of playing it')
    .option('--realtime', 'feed the file at the pace of speech, as a microphone would (the reply is then prepared during the end-of-turn silence, as live)')
    .action(async (opts: RunOptions) => {
      if (!opts.input) throw new UsageError('jett voice needs --input FILE (or a subcommand: listen, devices)', 'run `jett voice --input question.wav`, or `jett voice --help`');
      const rt = ctx.runtime();
      const config = rt.config.load();
      const pcm = await readAudioFile(opts.input, which);
      const engines = await setup(config, rt, opts);
      const db = openDb(rt);
      const sink = opts.output ? new MemorySink() : undefined;
      try {
        const pipeline = await buildPipeline({ config, engines, logger: rt.logger, resolveBinary: which, db, ...(sink ? { sink } : {}) });
        const warm = await pipeline.start();
        if (warm[0]) throw warm[0];
        const turn = await pipeline.runTurn(new PcmSource(opts.input, pcm, 1500, opts.realtime ? 0 : Number.POSITIVE_INFINITY));
        await pipeline.stop();
        if (sink && opts.output) writeWav(opts.output, sink.samples(), sink.sampleRate || engines.tts.sampleRate);
        if (turn.outcome === 'failed') ctx.exitCode = 1;
        const out = VoiceRunOutputSchema.parse({ input: opts.input, test_engines: opts.testEngines ?? false, turn });
        if (opts.json) ctx.out(JSON.stringify(out));
        else for (const line of describeTurn(turn, opts.testEngines ?? false)) ctx.out(line);
      } finally {
        db.close();
      }
    });

  voice
    .command('listen')
    .description('listen to the microphone and answer each turn until Ctrl-C (--once: one turn; --json: one JSON line per turn; --test-engines)')
    .option('--once', 'stop after the first turn')
    // --json and --test-engines are the parent's options: commander hands them to `voice`, not to its subcommands.
    .action(async (_opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<{ json?: boolean; once?: boolean; testEngines?: boolean }>();
      const rt = ctx.runtime();
      const loaded = rt.config.load();
      // The terminal has no hotkey: listening runs hands-free, or for exactly one turn with --once.
      const config: Config = { ...loaded, voice: { ...loaded.voice, activation: opts.once ? 'hotkey' : 'handsFree' } };
      const engines = await setup(config, rt, opts);
      const db = openDb(rt);
      try {
        // Hands-free listens for the configured wake word, as the agent does; a failure to load it is printed.
        const bus = new EventBus();
        bus.on('notification', (n) => ctx.err(`${n.title}: ${n.body}`));
        const handsFree = await handsFreeFromConfig(config, {
          load: async (word, threshold) => (await import('../../core/voice/wake/detector.js')).createWakeDetector({ word, threshold }),
          bus,
          logger: rt.logger,
          // A wake no question followed is kept as the agent keeps it, for the user to tune voice.wakeThreshold.
          log: new WakeLog(db),
        });
        if (handsFree.wake) ctx.err(`voice: say "${handsFree.wake.word.replace('_', ' ')}", then your question`);
        const pipeline = await buildPipeline({ config, engines, logger: rt.logger, resolveBinary: which, db, bus, handsFree });
        const firstTurn = new Promise<VoiceTurnRecord>((resolve) => pipeline.onTurn(resolve));
        pipeline.onTurn((t) => (opts.json ? ctx.out(JSON.stringify(t)) : describeTurn(t, opts.testEngines ?? false).forEach((l) => ctx.out(l))));
        if (!opts.json) pipeline.onState((s) => ctx.err(`voice: ${s}`));
        const warm = await pipeline.start();
        for (const w of warm) ctx.err(`warning: ${w.message}\n  fix: ${w.fix}`);
        await pipeline.startListening();
        const stopped = pipeline.lastCaptureError;
        if (stopped) throw stopped;
        await (opts.once ? Promise.race([firstTurn, untilSignal()]) : untilSignal());
        await pipeline.stop();
        await handsFree.wake?.detector.close?.();
        if (pipeline.lastCaptureError) throw pipeline.lastCaptureError;
      } finally {
        db.close();
      }
    });

  voice
    .command('devices')
    .description('list the microphones the platform can name (--json: {"supported","devices":[{"name","description"}],"note"})')
    .action(async (_opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<{ json?: boolean }>();
      const list = VoiceDevicesOutputSchema.parse(await listInputDevices({ platform: process.platform, resolveBinary: which, env: ctx.env }));
      if (opts.json) return ctx.out(JSON.stringify(list));
      if (list.note) ctx.out(list.note);
      for (const d of list.devices) ctx.out(`${d.name.padEnd(28)} ${d.description}`);
    });
  registerVoiceHistory(voice, ctx);
  registerVoiceWake(voice, ctx);
  for (const cmd of voice.commands) cmd.exitOverride().configureOutput(program.configureOutput());
}
