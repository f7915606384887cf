// The tray from status snapshots: icon per tunnel and voice state, tooltip with handshake age and backlog, and a
// menu whose items follow the state; every icon the model can name exists as a PNG.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { trayModel, type TrayInput } from '../../../main/app/tray/model.js';
import { snapshot } from './helpers.js';

const hotkey = { accelerator: 'Ctrl+Alt+J', registered: true, error: null };
const input = (over: Partial<TrayInput> = {}): TrayInput => ({ status: snapshot(), hotkey, openAtLogin: false, ...over });
const item = (m: ReturnType<typeof trayModel>, label: string) => m.items.find((i) => i.label === label);

describe('trayModel', () => {
  it.each([
    [{ tunnel: { state: 'up' as const } }, 'tunnel-up-idle'],
    [{ tunnel: { state: 'degraded' as const } }, 'tunnel-degraded-idle'],
    [{ tunnel: { state: 'connecting' as const } }, 'tunnel-degraded-idle'],
    [{ tunnel: { state: 'lost' as const } }, 'tunnel-down-idle'],
    [{ tunnel: { state: 'down' as const }, voice: { state: 'listening' as const } }, 'tunnel-down-listening'],
    [{ tunnel: { state: 'up' as const }, voice: { state: 'speaking' as const } }, 'tunnel-up-speaking'],
    [{ tunnel: { state: 'up' as const }, voice: { state: 'thinking' as const } }, 'tunnel-up-speaking'],
  ])('shows %j as %s', (over, icon) => {
    expect(trayModel(input({ status: snapshot(over) })).icon).toBe(icon);
  });

  it('tells handshake age and backlog in the tooltip', () => {
    const m = trayModel(input({ status: snapshot({ tunnel: { state: 'up', handshakeAgeS: 42 }, outbox: { pending: 7, oldestPendingAgeS: 600 }, voice: { state: 'idle' } }) }));
    expect(m.tooltip).toBe('Jett: Tunnel up, handshake 42 s ago; outbox 7 waiting, oldest 10 min; voice ready');
    expect(trayModel(input({ status: snapshot({ tunnel: { state: 'lost', reason: 'no answer to probes for 30 s' } }) })).tooltip).toContain('Tunnel lost: no answer to probes for 30 s; outbox empty');
  });

  it('offers connect while down, disconnect while up, and the links only while up', () => {
    const down = trayModel(input());
    expect(item(down, 'Connect tunnel')?.action).toBe('connect');
    expect(item(down, 'Disconnect tunnel')).toBeUndefined();
    expect(item(down, 'Open n8n')?.enabled).toBe(false);
    expect(item(down, 'Open Portainer')?.enabled).toBe(false);
    const up = trayModel(input({ status: snapshot({ tunnel: { state: 'up' } }) }));
    expect(item(up, 'Disconnect tunnel')?.action).toBe('disconnect');
    expect(item(up, 'Open n8n')?.enabled).toBe(true);
    expect(item(up, 'Open Portainer')?.enabled).toBe(true);
  });

  it('shows the hotkey on the voice item, and a failed hotkey as its own item', () => {
    const ok = trayModel(input());
    expect(item(ok, 'Start a voice turn')).toMatchObject({ action: 'voice-toggle', accelerator: 'Ctrl+Alt+J', enabled: true });
    const listening = trayModel(input({ status: snapshot({ voice: { state: 'listening' } }) }));
    expect(item(listening, 'Stop listening')?.action).toBe('voice-toggle');
    const held = trayModel(input({ hotkey: { accelerator: 'Ctrl+Alt+J', registered: false, error: 'Ctrl+Alt+J is held by another program' } }));
    expect(item(held, 'Start a voice turn')?.accelerator).toBeUndefined();
    expect(item(held, 'Hotkey unavailable: Ctrl+Alt+J is held by another program')?.action).toBe('open-settings');
    expect(item(trayModel(input({ status: snapshot({ voice: { state: 'off' } }) })), 'Start a voice turn')?.enabled).toBe(false);
  });

  it('has settings, the [Peer] block, start at login and quit', () => {
    const m = trayModel(input({ openAtLogin: true }));
    expect(m.items.map((i) => i.action).filter(Boolean)).toEqual(['connect', 'voice-toggle', 'open-settings', 'copy-peer-block', 'open-n8n', 'open-portainer', 'toggle-login', 'quit']);
    expect(item(m, 'Start at login')?.checked).toBe(true);
  });

  it('shows the microphone open (icon, tooltip, a menu line) while the capture page holds it, whatever the turn does', () => {
    for (const state of ['idle', 'listening', 'thinking', 'speaking'] as const) {
      const m = trayModel(input({ status: snapshot({ tunnel: { state: 'up' }, voice: { state } }), microphoneOpen: true }));
      expect(m.icon).toBe('tunnel-up-open');
      expect(m.tooltip).toMatch(/; microphone open$/);
      expect(item(m, 'Microphone open')).toEqual({ action: null, label: 'Microphone open', enabled: false });
    }
    const closed = trayModel(input({ status: snapshot({ tunnel: { state: 'up' }, voice: { state: 'idle' } }), microphoneOpen: false }));
    expect(closed.icon).toBe('tunnel-up-idle');
    expect(item(closed, 'Microphone open')).toBeUndefined();
  });

  it('names only icons that exist as 32x32 PNGs (and @2x)', () => {
    const dir = path.resolve('resources/tray');
    for (const tunnel of ['up', 'degraded', 'down']) {
      for (const voice of ['idle', 'listening', 'speaking', 'open']) {
        for (const [suffix, size] of [['', 32], ['@2x', 64]] as const) {
          const buf = fs.readFileSync(path.join(dir, `tunnel-${tunnel}-${voice}${suffix}.png`));
          expect(buf.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
          expect([buf.readUInt32BE(16), buf.readUInt32BE(20)]).toEqual([size, size]);
        }
      }
    }
  });

  it('reads a service never set up as "not configured" with its next step, with no Connect that could only fail', () => {
    const unset = (reason: string, next: string) => ({ configured: false, reason, next });
    const status = {
      ...snapshot({ tunnel: { state: 'unconfigured', reason: 'this desktop has no WireGuard key yet' }, voice: { state: 'off' } }),
      setup: {
        tunnel: unset('this desktop has no WireGuard key yet', 'run `jett keys generate` or press Generate keys in Settings > Tunnel'),
        sync: unset('no database password yet', 'make the VPS bundle'),
        heartbeat: { configured: true, reason: 'http://10.0.0.2:5678/webhook/heartbeat', next: null },
        voice: unset('speech models not downloaded: whisper-base', 'run `jett models pull whisper-base`'),
      },
    };
    const m = trayModel(input({ status }));
    expect(m.icon).toBe('tunnel-down-idle');
    expect(m.tooltip).toBe('Jett: tunnel not configured; outbox empty; voice not configured');
    expect(m.items[0]).toEqual({ action: null, label: 'Tunnel not configured — run `jett keys generate` or press Generate keys in Settings > Tunnel', enabled: false });
    expect(item(m, 'Sync not configured — make the VPS bundle')?.action).toBe('open-settings');
    expect(item(m, 'Voice not configured — run `jett models pull whisper-base`')?.action).toBe('open-settings');
    expect(m.items.some((i) => i.label.startsWith('Heartbeat'))).toBe(false);
    expect(item(m, 'Connect tunnel')).toBeUndefined();
    expect(item(m, 'Set up the tunnel…')?.action).toBe('open-settings');
  });
});
