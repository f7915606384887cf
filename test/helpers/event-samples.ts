// One payload for each event of the event map. Typed from the map: an event added to main/core/contracts/events.ts
// fails `npm run typecheck` here until it has a sample, and then the forwarding tests send it across the endpoint.
import type { JettEventName, JettEvents } from '../../main/core/contracts/events.js';
import type { Redaction } from '../../main/core/contracts/redaction.js';
import type { VoiceTurnRecord } from '../../main/core/contracts/voice.js';

/** A finished voice turn as the pipeline emits it: the tray shows its speech-end-to-audio latency. */
export function voiceTurn(id: string, speechEndToAudioMs: number): VoiceTurnRecord {
  return {
    id,
    at: '2026-11-27T10:00:00.000Z',
    source: 'microphone',
    transcript: 'what is on my calendar',
    reply: 'Nothing until noon.',
    fragments: 1,
    outcome: 'answered',
    reason: null,
    engines: { stt: 'whisper-base', llm: 'llama3.2:3b', tts: 'kokoro' },
    audio: { speech_start: 1600, speech_end: 33600, turn_end: 44800, end_reason: 'silence' },
    latencies: {
      speech_end_ms: -700,
      turn_end_ms: 0,
      stt_final_ms: 90,
      llm_first_token_ms: 240,
      first_fragment_ms: 310,
      tts_first_audio_ms: 380,
      playback_start_ms: speechEndToAudioMs - 700,
      speech_end_to_audio_ms: speechEndToAudioMs,
    },
  };
}

export const EVENT_SAMPLES: { [K in JettEventName]: JettEvents[K] } = {
  'tunnel.state': { from: 'up', to: 'degraded', reason: '2 probes failed', at: '2026-11-27T10:00:00.000Z' },
  'outbox.counts': { pending: 3, oldestPendingAgeS: 12, dead: 0, lastSuccessAt: '2026-11-27T09:59:00.000Z' },
  'inbox.counts': { pending: 1 },
  'heartbeat.result': { ok: false, at: '2026-11-27T10:00:00.000Z', error: 'the VPS did not answer' },
  'voice.state': { state: 'listening', at: '2026-11-27T10:00:00.000Z' },
  'voice.turn': voiceTurn('turn-1', 1080),
  'voice.stage': { type: 'stt-final', ms: 1234.5, turn: 'turn-1', text: 'what is on my calendar' },
  'service.state': { service: 'sync', state: 'failed', error: 'the VPS database refused the password' },
  notification: { title: 'Jett: message from n8n', body: 'The backup finished.' },
  'models.progress': { name: 'whisper-base', file: 'encoder.onnx', fileIndex: 1, fileCount: 3, receivedBytes: 1024, totalBytes: 4096, phase: 'download' },
  'models.executionProvider': { engine: 'whisper', requested: 'auto', ep: 'cpu', fallback: true, reason: 'no CUDA device' },
  'config.changed': { sections: ['tunnel', 'heartbeat'], at: '2026-11-27T10:00:00.000Z' },
  'config.invalid': { message: 'config.json: heartbeat.url: expected an http:// or https:// URL', fix: 'correct the file; the running settings stay as they were', at: '2026-11-27T10:00:00.000Z' },
  'events.redacted': { kind: 'voice.turn', ids: ['turn-1'], all: false, outboxRows: 1, localRows: 1, tombstones: [42], at: '2026-11-27T10:00:00.000Z' },
};

/** Every event name of the map, in the samples' order. */
export const EVENT_NAMES = Object.keys(EVENT_SAMPLES) as JettEventName[];

/** The tombstone an outbox carries to the VPS (`event.redact`): which events to redact there, by id, never their text. */
export const REDACTION_SAMPLE: Redaction = { kind: 'voice.turn', ids: ['turn-1'], all: false, reason: 'user deleted' };
