// A finished turn as the record that goes to jett.db, the outbox and `jett voice --json`: its text, its outcome and
// its latencies, read from the stage events the turn recorded.
import type { VoiceTurnRecord } from '../contracts/voice.js';
import { samplesToMs } from './endpointer.js';
import type { VoiceEngines } from './engines.js';
import type { DetectedTurn } from './turn-detector.js';

/** The stage events that are latency marks, in pipeline order. */
export const MARKS = ['stt-final', 'llm-first-token', 'first-fragment', 'tts-first-audio', 'playback-start'] as const;
export type Mark = (typeof MARKS)[number];

export type TurnSource = VoiceTurnRecord['source'];

/** What a turn gathered while it ran. */
export interface TurnFacts {
  id: string;
  source: TurnSource;
  /** Wall-clock time of the end-of-turn decision. */
  at: Date;
  /** Monotonic time of the end-of-turn decision; NaN for a reply cancelled before its turn ended. */
  t0: number;
  audio: DetectedTurn | null;
  transcript: string;
  reply: string;
  fragments: number;
  /** Monotonic time of each mark's first stage event. */
  marks: Partial<Record<Mark, number>>;
}

export function turnRecord(f: TurnFacts, outcome: VoiceTurnRecord['outcome'], reason: string | null, engines: VoiceEngines, now: number): VoiceTurnRecord {
  const audio = f.audio;
  const speechEnd = audio ? -samplesToMs(audio.turnEnd - audio.speechEnd) : null;
  // A reply cancelled before its turn ended has no end-of-turn time: its stages count from the cancel.
  const t0 = Number.isNaN(f.t0) ? now : f.t0;
  const rel = (mark: Mark) => {
    const at = f.marks[mark];
    return at === undefined ? null : at - t0;
  };
  const playback = rel('playback-start');
  return {
    id: f.id,
    at: f.at.toISOString(),
    source: f.source,
    transcript: f.transcript,
    reply: f.reply,
    fragments: f.fragments,
    outcome,
    reason,
    engines: { stt: f.source === 'microphone' || f.source === 'file' ? engines.stt.name : null, llm: f.source === 'speak' ? null : engines.llm.name, tts: engines.tts.name },
    audio: audio ? { speech_start: audio.speechStart, speech_end: audio.speechEnd, turn_end: audio.turnEnd, end_reason: audio.reason } : null,
    latencies: {
      speech_end_ms: round(speechEnd),
      turn_end_ms: 0,
      stt_final_ms: round(rel('stt-final')),
      llm_first_token_ms: round(rel('llm-first-token')),
      first_fragment_ms: round(rel('first-fragment')),
      tts_first_audio_ms: round(rel('tts-first-audio')),
      playback_start_ms: round(playback),
      speech_end_to_audio_ms: playback !== null && speechEnd !== null ? round(playback - speechEnd) : null,
    },
  };
}

/** A finite source that ended without a turn in it. */
export function noSpeechRecord(id: string, source: 'file' | 'microphone', at: Date, reason: string, engines: VoiceEngines): VoiceTurnRecord {
  return {
    id,
    at: at.toISOString(),
    source,
    transcript: '',
    reply: '',
    fragments: 0,
    outcome: 'no-speech',
    reason,
    engines: { stt: engines.stt.name, llm: null, tts: engines.tts.name },
    audio: null,
    latencies: { speech_end_ms: null, turn_end_ms: 0, stt_final_ms: null, llm_first_token_ms: null, first_fragment_ms: null, tts_first_audio_ms: null, playback_start_ms: null, speech_end_to_audio_ms: null },
  };
}

function round(ms: number | null): number | null {
  return ms === null ? null : Math.round(ms * 10) / 10;
}
