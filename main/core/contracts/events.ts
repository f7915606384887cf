// The event map: every state change the agent publishes on its bus, with the payload each one carries.
import type { StatusSnapshot, TunnelState, VoiceState } from './status.js';
import type { VoiceStageEvent, VoiceTurnRecord } from './voice.js';
import type { ConfigSection } from './config.js';
import type { ExecutionProviderChoice, ModelDownloadProgress } from './models.js';
import type { RedactionResult } from './redaction.js';

export interface JettEvents {
  'tunnel.state': { from: TunnelState; to: TunnelState; reason: string; at: string };
  'outbox.counts': StatusSnapshot['outbox'];
  'inbox.counts': StatusSnapshot['inbox'];
  'heartbeat.result': { ok: boolean; at: string; error: string | null };
  'voice.state': { state: VoiceState; at: string };
  /** A finished voice turn (answered, cancelled or failed): the agent appends it to the outbox. */
  'voice.turn': VoiceTurnRecord;
  /** One step of the voice pipeline (speech start, partial transcript, a turn's stages, a stage error, its end). */
  'voice.stage': VoiceStageEvent;
  'service.state': { service: string; state: 'starting' | 'running' | 'failed' | 'stopped'; error: string | null };
  notification: { title: string; body: string };
  /** A model download moved on (the window's progress bar). */
  'models.progress': ModelDownloadProgress;
  /** A model engine loaded on this execution provider, or fell back to the CPU, and why. */
  'models.executionProvider': ExecutionProviderChoice;
  /** Settings changed (the window, the CLI or an edit of config.json) and the agent rebuilt these sections' services. */
  'config.changed': { sections: ConfigSection[]; at: string };
  /** An edit of config.json that does not validate: ignored, the running config stays whole; message and fix say why. */
  'config.invalid': { message: string; fix: string; at: string };
  /** Events were deleted (voice history, memory's forget): redacted here, a tombstone queued for the VPS. */
  'events.redacted': RedactionResult;
}

export type JettEventName = keyof JettEvents;
