// What the tray shows for a state: the icon, the tooltip and the menu, as plain data computed from the status
// snapshot, so a test reads it without Electron. tray.ts turns it into a Tray and a Menu. A service never set up
// reads "not configured" with its next step, never as an alarm.
import type { HotkeyView } from '../../core/contracts/ipc.js';
import type { SetupView } from '../../core/contracts/setup.js';
import type { ServiceSetup, StatusSnapshot } from '../../core/contracts/status.js';

export type TunnelLook = 'up' | 'degraded' | 'down';
/** 'open': the microphone is open (a turn, or hands-free), whatever the turn's stage. */
export type VoiceLook = 'idle' | 'listening' | 'speaking' | 'open';
export type TrayIconName = `tunnel-${TunnelLook}-${VoiceLook}`;

export type TrayAction =
  | 'connect'
  | 'disconnect'
  | 'voice-toggle'
  | 'hands-free-toggle'
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
  /** The first-run checklist, when known: while steps remain the menu says how far it is and offers the next one. */
  setup?: SetupView | null;
  /** The app's capture page holds the microphone open (issue 14: open only while Jett listens). */
  microphoneOpen?: boolean;
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

/** "Sync not configured — <next step>": what is missing is in the window; the menu names what to do. */
export function notConfiguredLine(what: string, setup: ServiceSetup): string {
  return `${what} not configured — ${setup.next ?? setup.reason}`;
}

function tunnelLine(t: StatusSnapshot['tunnel'], setup: ServiceSetup | undefined): string {
  switch (t.state) {
    case 'unconfigured':
      return setup && !setup.configured ? notConfiguredLine('Tunnel', setup) : `Tunnel not configured — ${t.reason}`;
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

/** The services besides the tunnel that are not set up, each with its next step (the tunnel has its own line). */
function unsetLines(setup: StatusSnapshot['setup']): TrayItem[] {
  if (!setup) return [];
  const named: Array<[string, ServiceSetup]> = [
    ['Sync', setup.sync],
    ['Heartbeat', setup.heartbeat],
    ['Voice', setup.voice],
  ];
  return named.filter(([, s]) => !s.configured).map(([what, s]) => ({ action: 'open-settings', label: notConfiguredLine(what, s), enabled: true }));
}

function tunnelAction(state: StatusSnapshot['tunnel']['state']): TrayItem {
  if (state === 'unconfigured') return { action: 'open-settings', label: 'Set up the tunnel…', enabled: true, separatorBefore: true };
  if (state === 'down' || state === 'lost') return { action: 'connect', label: 'Connect tunnel', enabled: true, separatorBefore: true };
  return { action: 'disconnect', label: 'Disconnect tunnel', enabled: true, separatorBefore: true };
}

/** "Hey Jarvis" for hey_jarvis: how the menu names the wake word. */
const spoken = (word: string): string => word.split('_').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ');

/**
 * Hands-free with a wake word: a checkbox that pauses and resumes listening in one click, or, when its models could
 * not be loaded, a line that says hands-free is off and opens the window.
 */
export function handsFreeItems(wake: StatusSnapshot['voice']['wake']): TrayItem[] {
  if (!wake) return [];
  if (wake.listening === 'off') return [{ action: 'open-settings', label: 'Hands-free off: the wake word could not be loaded…', enabled: true }];
  if (wake.word === 'none') return [{ action: 'open-settings', label: 'Hands-free hears any speech: no wake word is set…', enabled: true }];
  return [{ action: 'hands-free-toggle', label: `Hands-free: listening for "${spoken(wake.word)}"`, enabled: true, checked: wake.listening === 'on' }];
}

/** "Setup: 3 of 10 done" and the next step (its window action), or nothing once every step is done. */
export function setupItems(setup: SetupView | null | undefined): TrayItem[] {
  if (!setup || setup.next === null) return [];
  const next = setup.steps.find((s) => s.id === setup.next)!;
  const how = next.action.kind === 'button' || next.action.kind === 'screen' ? `: ${next.action.label.replace(/…$/, '')}` : '';
  return [
    { action: null, label: `Setup: ${setup.done} of ${setup.total} done`, enabled: false, separatorBefore: true },
    // The window opens on the checklist while steps remain, where the step's own button does it.
    { action: 'open-settings', label: `Next: ${next.title}${how}…`, enabled: true },
  ];
}

export function trayModel({ status, hotkey, openAtLogin, setup, microphoneOpen }: TrayInput): TrayModel {
  const look = tunnelLook(status.tunnel.state);
  const up = status.tunnel.state === 'up' || status.tunnel.state === 'degraded';
  const listening = status.voice.state === 'listening';
  const tunnelWords = status.tunnel.state === 'unconfigured' ? 'tunnel not configured' : tunnelLine(status.tunnel, status.setup?.tunnel);
  const voiceWords = status.setup && !status.setup.voice.configured ? 'voice not configured' : VOICE_WORDS[status.voice.state];
  const tooltip = `Jett: ${tunnelWords}; ${backlogLine(status.outbox)}; ${voiceWords}${microphoneOpen ? '; microphone open' : ''}`;
  const items: TrayItem[] = [
    { action: null, label: tunnelLine(status.tunnel, status.setup?.tunnel), enabled: false },
    { action: null, label: backlogLine(status.outbox).replace(/^o/, 'O'), enabled: false },
    // While the checklist has steps left it names the next one; after that, any service still not set up.
    ...(setup && setup.next !== null ? setupItems(setup) : unsetLines(status.setup)),
    tunnelAction(status.tunnel.state),
    ...(microphoneOpen ? [{ action: null, label: 'Microphone open', enabled: false }] : []),
    {
      action: 'voice-toggle',
      label: listening ? 'Stop listening' : 'Start a voice turn',
      enabled: status.voice.state !== 'off',
      ...(hotkey.registered ? { accelerator: hotkey.accelerator } : {}),
    },
  ];
  items.push(...handsFreeItems(status.voice.wake));
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
  return { icon: `tunnel-${look}-${microphoneOpen ? 'open' : voiceLook(status.voice.state)}`, tooltip, items };
}
