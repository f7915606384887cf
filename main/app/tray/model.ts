// What the tray shows for a state: the icon, the tooltip and the menu, as plain data computed from the status
// snapshot, so a test reads it without Electron. tray.ts turns it into a Tray and a Menu.
import type { HotkeyView } from '../../core/contracts/ipc.js';
import type { StatusSnapshot } from '../../core/contracts/status.js';

export type TunnelLook = 'up' | 'degraded' | 'down';
export type VoiceLook = 'idle' | 'listening' | 'speaking';
export type TrayIconName = `tunnel-${TunnelLook}-${VoiceLook}`;

export type TrayAction =
  | 'connect'
  | 'disconnect'
  | 'voice-toggle'
  | 'open-settings'
  | 'copy-peer-block'
  | 'open-n8n'
  | 'open-portainer'
  | 'toggle-login'
  | 'quit';

export interface TrayItem {
  action: TrayAction | null;
  label: string;
  enabled: boolean;
  /** Present for checkbox items. */
  checked?: boolean;
  /** Shown next to the label (the hotkey); never registered by the menu itself. */
  accelerator?: string;
  separatorBefore?: boolean;
}

export interface TrayModel {
  icon: TrayIconName;
  tooltip: string;
  items: TrayItem[];
}

export interface TrayInput {
  status: StatusSnapshot;
  hotkey: HotkeyView;
  openAtLogin: boolean;
}

export function tunnelLook(state: StatusSnapshot['tunnel']['state']): TunnelLook {
  if (state === 'up') return 'up';
  if (state === 'degraded' || state === 'connecting') return 'degraded';
  return 'down';
}

export function voiceLook(state: StatusSnapshot['voice']['state']): VoiceLook {
  if (state === 'listening') return 'listening';
  if (state === 'speaking' || state === 'thinking') return 'speaking';
  return 'idle';
}

function age(seconds: number | null): string {
  if (seconds === null) return 'no handshake yet';
  if (seconds < 120) return `handshake ${Math.round(seconds)} s ago`;
  return `handshake ${Math.round(seconds / 60)} min ago`;
}

function tunnelLine(t: StatusSnapshot['tunnel']): string {
  switch (t.state) {
    case 'up':
      return `Tunnel up, ${age(t.handshakeAgeS)}`;
    case 'degraded':
      return `Tunnel degraded: ${t.reason}`;
    case 'connecting':
      return 'Tunnel connecting';
    case 'lost':
      return `Tunnel lost: ${t.reason}`;
    case 'down':
      return 'Tunnel down';
  }
}

function backlogLine(o: StatusSnapshot['outbox']): string {
  if (o.pending === 0) return 'outbox empty';
  const oldest = o.oldestPendingAgeS === null ? '' : `, oldest ${Math.round(o.oldestPendingAgeS / 60)} min`;
  return `outbox ${o.pending} waiting${oldest}`;
}

const VOICE_WORDS: Record<StatusSnapshot['voice']['state'], string> = {
  off: 'voice off',
  idle: 'voice ready',
  listening: 'listening',
  thinking: 'thinking',
  speaking: 'speaking',
  error: 'voice error',
};

export function trayModel({ status, hotkey, openAtLogin }: TrayInput): TrayModel {
  const look = tunnelLook(status.tunnel.state);
  const up = status.tunnel.state === 'up' || status.tunnel.state === 'degraded';
  const listening = status.voice.state === 'listening';
  const tooltip = `Jett: ${tunnelLine(status.tunnel)}; ${backlogLine(status.outbox)}; ${VOICE_WORDS[status.voice.state]}`;
  const items: TrayItem[] = [
    { action: null, label: tunnelLine(status.tunnel), enabled: false },
    { action: null, label: backlogLine(status.outbox).replace(/^o/, 'O'), enabled: false },
    status.tunnel.state === 'down' || status.tunnel.state === 'lost'
      ? { action: 'connect', label: 'Connect tunnel', enabled: true, separatorBefore: true }
      : { action: 'disconnect', label: 'Disconnect tunnel', enabled: true, separatorBefore: true },
    {
      action: 'voice-toggle',
      label: listening ? 'Stop listening' : 'Start a voice turn',
      enabled: status.voice.state !== 'off',
      ...(hotkey.registered ? { accelerator: hotkey.accelerator } : {}),
    },
  ];
  // Not root: the installed tunnel setup no longer matches the settings; the window says what to run.
  if (status.tunnelSetup && status.tunnelSetup.state !== 'current') items.push({ action: 'open-settings', label: 'The tunnel uses older settings: run the setup again…', enabled: true });
  if (!hotkey.registered && hotkey.error) items.push({ action: 'open-settings', label: `Hotkey unavailable: ${hotkey.error}`, enabled: true });
  items.push(
    { action: 'open-settings', label: 'Settings and status…', enabled: true, separatorBefore: true },
    { action: 'copy-peer-block', label: 'Copy the VPS [Peer] block', enabled: true },
    // Both listen on the VPS's tunnel address only: there is nothing to open while the tunnel is down.
    { action: 'open-n8n', label: 'Open n8n', enabled: up },
    { action: 'open-portainer', label: 'Open Portainer', enabled: up },
    { action: 'toggle-login', label: 'Start at login', enabled: true, checked: openAtLogin, separatorBefore: true },
    { action: 'quit', label: 'Quit Jett', enabled: true },
  );
  return { icon: `tunnel-${look}-${voiceLook(status.voice.state)}`, tooltip, items };
}
