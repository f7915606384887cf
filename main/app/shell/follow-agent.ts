// What the shell listens to: the agent's notifications and events (each refreshes the status), OS sleep and
// network changes (passed to the agent), and a poll; returns one function that stops all of it.
import { net, powerMonitor } from 'electron';
import type { AgentHandle } from '../agent-handle.js';
import { watchSystemEvents } from '../system-events.js';
import type { Notify } from './notify.js';
import type { StatusPresenter } from './status-presenter.js';

export interface FollowDeps {
  agent: Pick<AgentHandle, 'on' | 'systemEvent'>;
  presenter: Pick<StatusPresenter, 'refresh' | 'recordTurn'>;
  notify: Notify;
  /** Called with a failed refresh. */
  onRefreshFailed: (err: unknown) => void;
  pollMs: number;
}

export function followAgent({ agent, presenter, notify, onRefreshFailed, pollMs }: FollowDeps): () => void {
  const refresh = () => void presenter.refresh().catch(onRefreshFailed);
  const unsubscribe = [
    // What the agent asks to tell the user (an n8n message from the inbox, voice that cannot start).
    agent.on('notification', (n) => notify(n.title, n.body)),
    agent.on('voice.turn', (turn) => presenter.recordTurn({ at: turn.at, speechEndToAudioMs: turn.latencies.speech_end_to_audio_ms })),
    ...(['tunnel.state', 'outbox.counts', 'inbox.counts', 'voice.state', 'heartbeat.result', 'voice.turn'] as const).map((name) => agent.on(name, refresh)),
  ];
  const stopWatching = watchSystemEvents({ powerMonitor, isOnline: () => net.isOnline(), onEvent: (kind) => agent.systemEvent(kind) });
  const poll = setInterval(refresh, pollMs);
  poll.unref();
  return () => {
    clearInterval(poll);
    stopWatching();
    unsubscribe.forEach((u) => u());
  };
}
