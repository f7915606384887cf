// `jett voice wake --input FILE [--json] [--word W] [--threshold T]`: where in a file the wake word is detected,
// and the highest score, for tuning voice.wakeThreshold on one's own voice and room.
import type { Command } from 'commander';
import { DEFAULT_WAKE_THRESHOLD, WAKE_WORDS, WakeFileReportSchema, WakeWordSchema, type WakeFileReport } from '../../core/contracts/wake.js';
import { UsageError } from '../../core/errors.js';
import { resolveBinary } from '../../core/process/binaries.js';
import { PcmSource, readAudioFile } from '../../core/voice/file-source.js';
import { SAMPLE_RATE } from '../../core/voice/vad.js';
import { createWakeDetector, type WakeDetection } from '../../core/voice/wake/detector.js';
import type { CliContext } from '../context.js';

const seconds = (sample: number): number => Math.round((sample / SAMPLE_RATE) * 1000) / 1000;

function parseThreshold(text: string | undefined): number {
  if (text === undefined) return DEFAULT_WAKE_THRESHOLD;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || value >= 1) throw new UsageError(`--threshold must be a number between 0 and 1, not "${text}"`, 'try --threshold 0.5 (the default), higher for fewer false wakes');
  return value;
}

export function registerVoiceWake(voice: Command, ctx: CliContext): void {
  voice
    .command('wake')
    .description('report where the wake word is detected in an audio file (--input FILE; --json: {"file","word","threshold","duration_s","max_score","detections":[{"time_s","score","phrase_end_s"}]})')
    .option('--word <word>', `the wake word's model: ${WAKE_WORDS.join(', ')}`, 'hey_jarvis')
    .option('--threshold <score>', 'score from which a chunk counts as a detection', String(DEFAULT_WAKE_THRESHOLD))
    // --input and --json are the parent's options: commander hands them to `voice`, not to its subcommands.
    .action(async (_opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<{ input?: string; json?: boolean; word: string; threshold?: string }>();
      if (!opts.input) throw new UsageError('jett voice wake needs --input FILE', 'run `jett voice wake --input recording.wav`');
      const word = WakeWordSchema.safeParse(opts.word);
      if (!word.success) throw new UsageError(`unknown wake word "${opts.word}"`, `choose one of ${WAKE_WORDS.join(', ')}`);
      const threshold = parseThreshold(opts.threshold);
      const pcm = await readAudioFile(opts.input, (name) => resolveBinary(name, { env: ctx.env }));
      let maxScore = 0;
      const detector = await createWakeDetector({ word: word.data, threshold, onScore: (s) => (maxScore = Math.max(maxScore, s.score)) });
      const detections: WakeDetection[] = [];
      try {
        for await (const frame of new PcmSource(opts.input, pcm, 0).chunks()) detections.push(...(await detector.push(frame)));
      } finally {
        await detector.close();
      }
      const report: WakeFileReport = WakeFileReportSchema.parse({
        file: opts.input,
        word: word.data,
        threshold,
        duration_s: seconds(pcm.length),
        max_score: Math.round(maxScore * 10_000) / 10_000,
        detections: detections.map((d) => ({ time_s: seconds(d.sample), score: Math.round(d.score * 10_000) / 10_000, phrase_end_s: seconds(d.endOfPhraseSample) })),
      });
      if (opts.json) return ctx.out(JSON.stringify(report));
      ctx.out(`${report.file}: ${report.duration_s} s, ${word.data} at threshold ${threshold}, highest score ${report.max_score}`);
      if (report.detections.length === 0) ctx.out('no detection');
      for (const d of report.detections) ctx.out(`detected at ${d.time_s.toFixed(2)} s, score ${d.score.toFixed(3)} (phrase ends about ${d.phrase_end_s.toFixed(2)} s)`);
    });
}
