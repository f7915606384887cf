// Shared pieces of the shell tests: a fake agent handle whose status a test sets, and IPC events from a window.
import { EventBus } from '../../../main/core/events/bus.js';
import type { MemoryForget, MemoryItem, MemoryView, MemoryViewQuery } from '../../../main/core/contracts/memory.js';
import type { SecretName } from '../../../main/core/contracts/secrets.js';
import type { StatusSnapshot } from '../../../main/core/contracts/status.js';
import type { VoiceHistoryDelete, VoiceHistoryQuery } from '../../../main/core/contracts/voice-history.js';
import type { VoiceDevicesOutput, VoiceTurnRecord } from '../../../main/core/contracts/voice.js';
import type { AgentHandle, SystemEventKind } from '../../../main/app/agent-handle.js';
import { MockWebContents, MockWebFrame, type MockIpcEvent } from '../../mocks/electron.js';

export function snapshot(over: { tunnel?: Partial<StatusSnapshot['tunnel']>; outbox?: Partial<StatusSnapshot['outbox']>; voice?: StatusSnapshot['voice'] } = {}): StatusSnapshot {
  return {
    agent: { pid: 1, version: '0.1.0', startedAt: '2026-11-27T09:00:00.000Z' },
    tunnel: { state: 'down', reason: 'not started', handshakeAgeS: null, rxBytes: null, txBytes: null, probeRttMs: null, endpoint: null, ...over.tunnel },
    outbox: { pending: 0, oldestPendingAgeS: null, dead: 0, lastSuccessAt: null, ...over.outbox },
    inbox: { pending: 0 },
    heartbeat: { lastSentAt: null, failures: 0 },
    voice: over.voice ?? { state: 'idle' },
  };
}

export class FakeAgent implements AgentHandle {
  readonly mode = 'attached' as const;
  readonly bus = new EventBus();
  current = snapshot();
  calls: string[] = [];
  systemEvents: SystemEventKind[] = [];
  async status() {
    return this.current;
  }
  on: AgentHandle['on'] = (name, listener) => this.bus.on(name, listener);
  async tunnelUp() {
    this.calls.push('tunnelUp');
  }
  async tunnelDown() {
    this.calls.push('tunnelDown');
  }
  async syncOnce() {
    this.calls.push('syncOnce');
  }
  async voiceHold(down: boolean) {
    this.calls.push(down ? 'voiceHold:down' : 'voiceHold:up');
  }
  async voiceToggle() {
    this.calls.push('voiceToggle');
  }
  /** What the history screen lists; a test sets it. Deletions remove from it, as the agent's would. */
  turns: VoiceTurnRecord[] = [];
  devices: VoiceDevicesOutput = { supported: true, devices: [], note: null };
  async voiceHistory(query: VoiceHistoryQuery) {
    this.calls.push(`voiceHistory(${query.search ?? ''})`);
    const q = (query.search ?? '').toLowerCase();
    return this.turns.filter((t) => !q || t.transcript.toLowerCase().includes(q) || t.reply.toLowerCase().includes(q));
  }
  async deleteVoiceHistory(what: VoiceHistoryDelete) {
    const ids = 'all' in what ? this.turns.map((t) => t.id) : what.ids;
    this.calls.push(`deleteVoiceHistory(${'all' in what ? 'all' : ids.join(',')})`);
    const before = this.turns.length;
    this.turns = this.turns.filter((t) => !ids.includes(t.id));
    const result = { kind: 'voice.turn', ids: 'all' in what ? [] : ids, all: 'all' in what, outboxRows: before - this.turns.length, localRows: before - this.turns.length, tombstones: [1], at: new Date().toISOString() };
    this.bus.emit('events.redacted', result);
    return result;
  }
  /** What the memory view lists, and whether search can run; a test sets them. Forgetting removes, as the agent's would. */
  memory: MemoryItem[] = [];
  memorySearch: MemoryView['search'] = { ready: true, model: 'all-minilm-l6-v2', reason: null };
  async memoryList(query: MemoryViewQuery): Promise<MemoryView> {
    this.calls.push(`memoryList(${query.search ?? ''})`);
    const q = (query.search ?? '').toLowerCase();
    if (q && !this.memorySearch.ready) return { items: [], search: this.memorySearch };
    return { items: this.memory.filter((m) => !q || m.text.toLowerCase().includes(q)), search: this.memorySearch };
  }
  async memoryForget(what: MemoryForget) {
    this.calls.push(`memoryForget(${what.ids.join(',')})`);
    const forgotten = what.ids.filter((id) => this.memory.some((m) => m.id === id));
    this.memory = this.memory.filter((m) => !what.ids.includes(m.id));
    return { forgotten, missing: what.ids.filter((id) => !forgotten.includes(id)) };
  }
  transcript: Awaited<ReturnType<AgentHandle['voiceTranscribe']>> = { unavailable: 'no speech-to-text model is installed: Models tab' };
  /** The length in samples of each utterance handed to voiceTranscribe. */
  transcribed: number[] = [];
  async voiceTranscribe(audio: Int16Array) {
    this.transcribed.push(audio.length);
    return this.transcript;
  }
  async voiceDevices() {
    return this.devices;
  }
  async voiceHandsFree(paused: boolean) {
    this.calls.push(`voiceHandsFree(${paused})`);
  }
  /** What the agent's reply to a settings change says; a test sets it. */
  reloadReply = { sections: [], needsTunnelSetup: false };
  async reloadConfig(secrets: SecretName[] = []) {
    this.calls.push(`reloadConfig(${secrets.join(',')})`);
    return this.reloadReply;
  }
  systemEvent(kind: SystemEventKind) {
    this.systemEvents.push(kind);
  }
  async close() {
    this.calls.push('close');
  }
}

/** An IPC event as Electron builds it for a message from `sender`'s `frame` (its main frame by default). */
export function eventFrom(sender: MockWebContents, frame: MockWebFrame | null = sender.mainFrame): MockIpcEvent {
  return { sender, senderFrame: frame };
}
