// What the shell needs from an agent, whether it runs in this process or is reached through the control endpoint:
// its status, its events, and the few actions the tray and the window trigger.
import type { ConfigReloadResult, ReloadRefresh } from '../core/contracts/control.js';
import type { JettEventName, JettEvents } from '../core/contracts/events.js';
import type { SecretName } from '../core/contracts/secrets.js';
import type { RedactionResult } from '../core/contracts/redaction.js';
import type { StatusSnapshot } from '../core/contracts/status.js';
import type { MemoryForget, MemoryForgetOutput, MemoryView, MemoryViewQuery } from '../core/contracts/memory.js';
import type { VoiceHistoryDelete, VoiceHistoryQuery } from '../core/contracts/voice-history.js';
import type { VoiceDevicesOutput, VoiceTurnRecord } from '../core/contracts/voice.js';
import type { Agent } from '../core/agent.js';
import type { TranscribeOutcome } from '../core/voice/mic-check.js';
import type { ControlClient } from '../core/control/client.js';
import { EventBus } from '../core/events/bus.js';

export type SystemEventKind = 'suspend' | 'resume' | 'network-change';

export interface AgentHandle {
  /** "in-process": this app started the agent; "attached": one was already running and this app talks to it. */
  readonly mode: 'in-process' | 'attached';
  status(): Promise<StatusSnapshot>;
  on<K extends JettEventName>(name: K, listener: (payload: JettEvents[K]) => void): () => void;
  tunnelUp(): Promise<void>;
  tunnelDown(): Promise<void>;
  syncOnce(): Promise<void>;
  /** Starts a voice turn, or ends the one in progress (the hotkey and the tray's menu item). */
  voiceToggle(): Promise<void>;
  /** Past voice turns, newest first (the window's history screen). */
  voiceHistory(query: VoiceHistoryQuery): Promise<VoiceTurnRecord[]>;
  /** Deletes turns here and, through the outbox, on the VPS. */
  deleteVoiceHistory(what: VoiceHistoryDelete): Promise<RedactionResult>;
  /** What Jett remembers, newest first or searched (the window's memory view). */
  memoryList(query: MemoryViewQuery): Promise<MemoryView>;
  /** Forgets items here and, through the outbox, on the VPS. */
  memoryForget(what: MemoryForget): Promise<MemoryForgetOutput>;
  /** The microphone test's transcript from the agent's own speech-to-text model, or why there is none. */
  voiceTranscribe(audio: Int16Array): Promise<TranscribeOutcome>;
  /** The microphones the agent's recorder can name. */
  voiceDevices(): Promise<VoiceDevicesOutput>;
  /** Pauses or resumes hands-free listening for the wake word (the tray's one click). */
  voiceHandsFree(paused: boolean): Promise<void>;
  /** Hold-to-talk: the key went down (a turn starts) or up (the turn ends there). */
  voiceHold(down: boolean): Promise<void>;
  /** Settings were saved (config.json, and these secrets in the store), or `refresh` changed: the agent rebuilds what changed. */
  reloadConfig(secrets?: SecretName[], refresh?: ReloadRefresh[]): Promise<ConfigReloadResult>;
  /** The OS suspended, resumed or changed networks: the tunnel's health is probed at once. */
  systemEvent(kind: SystemEventKind): void;
  /** Stops the agent if this app started it; detaches otherwise. */
  close(): Promise<void>;
}

export function inProcessHandle(agent: Agent): AgentHandle {
  return {
    mode: 'in-process',
    status: async () => agent.status(),
    on: (name, listener) => agent.bus.on(name, listener),
    tunnelUp: () => agent.tunnelUp(),
    tunnelDown: () => agent.tunnelDown(),
    syncOnce: async () => void (await agent.syncOnce()),
    voiceToggle: () => agent.voiceToggle(),
    voiceHistory: async (query) => agent.voiceHistory(query),
    deleteVoiceHistory: async (what) => agent.deleteVoiceHistory(what),
    memoryList: (query) => agent.memoryList(query),
    memoryForget: async (what) => agent.memoryForget(what),
    voiceTranscribe: (audio) => agent.voiceTranscribe(audio),
    voiceDevices: () => agent.voiceDevices(),
    voiceHandsFree: (paused) => agent.voiceHandsFree(paused),
    voiceHold: (down) => agent.voiceHold(down),
    reloadConfig: (secrets, refresh) => agent.reloadConfig(secrets, refresh),
    systemEvent: (kind) => agent.systemEvent(kind),
    close: () => agent.stop(),
  };
}

/** A running agent reached through its control endpoint; every event of its bus arrives on a local one. */
export async function attachedHandle(client: ControlClient): Promise<AgentHandle> {
  const bus = new EventBus();
  await client.subscribe(({ event, payload }) => bus.emit(event, payload));
  return {
    mode: 'attached',
    status: () => client.call('status'),
    on: (name, listener) => bus.on(name, listener),
    tunnelUp: async () => void (await client.call('tunnel.up')),
    tunnelDown: async () => void (await client.call('tunnel.down')),
    syncOnce: async () => void (await client.call('sync.once')),
    voiceToggle: async () => void (await client.call('voice.toggle')),
    voiceHistory: (query) => client.call('voice.history', query),
    deleteVoiceHistory: (what) => client.call('voice.history.delete', what),
    memoryList: (query) => client.call('memory.list', query),
    memoryForget: (what) => client.call('memory.forget', what),
    // The agent runs apart from this app (its own microphone, through sox): its model is not this test's to use.
    voiceTranscribe: async () => ({ unavailable: 'the agent runs outside this app (`jett agent`), so this test shows what the VAD heard only; `jett voice --input FILE` checks its speech model' }),
    voiceDevices: () => client.call('voice.devices'),
    voiceHandsFree: async (paused) => void (await client.call('voice.handsFree', { paused })),
    voiceHold: async (down) => void (await client.call('voice.hold', { down })),
    reloadConfig: (secrets, refresh) => client.call('config.reload', { secrets: secrets ?? [], ...(refresh?.length ? { refresh } : {}) }),
    // Fire and forget: a nudge that fails changes nothing, the agent's own poll still probes.
    systemEvent: (kind) => {
      if (kind !== 'suspend') client.call('tunnel.nudge').catch(() => {});
    },
    close: async () => client.close(),
  };
}
