// The tray and hands-free with a wake word: a checkbox that shows listening is on and pauses or resumes it in one
// click, a line that says hands-free is off when its models failed, and nothing when hands-free is not in use.
import { describe, expect, it } from 'vitest';
import type { WakeStatus } from '../../../main/core/contracts/status.js';
import { trayActions } from '../../../main/app/shell/tray-actions.js';
import { handsFreeItems, trayModel } from '../../../main/app/tray/model.js';
import { FakeAgent, snapshot } from './helpers.js';

const wake = (over: Partial<WakeStatus> = {}): WakeStatus => ({ listening: 'on', word: 'hey_jarvis', threshold: 0.5, detections: 3, falseWakes: 1, reason: null, ...over });
const hotkey = { accelerator: 'Ctrl+Alt+J', registered: true, error: null };

describe('the tray and hands-free', () => {
  it('shows listening for "Hey Jarvis" as a checked item, unchecked when paused', () => {
    const m = trayModel({ status: snapshot({ voice: { state: 'idle', wake: wake() } }), hotkey, openAtLogin: false });
    expect(m.items.find((i) => i.action === 'hands-free-toggle')).toEqual({ action: 'hands-free-toggle', label: 'Hands-free: listening for "Hey Jarvis"', enabled: true, checked: true });
    expect(handsFreeItems(wake({ listening: 'paused' }))[0]).toMatchObject({ checked: false });
  });

  it('says hands-free is off when the wake word could not be loaded, and shows nothing without hands-free', () => {
    expect(handsFreeItems(wake({ listening: 'off', reason: 'hands-free is off: the wake-word model ... is corrupt' }))).toEqual([
      { action: 'open-settings', label: 'Hands-free off: the wake word could not be loaded…', enabled: true },
    ]);
    expect(handsFreeItems(undefined)).toEqual([]);
    expect(trayModel({ status: snapshot(), hotkey, openAtLogin: false }).items.some((i) => i.action === 'hands-free-toggle')).toBe(false);
  });

  it('one click pauses listening that is on, and resumes listening that is paused', async () => {
    const agent = new FakeAgent();
    let refreshed = 0;
    const act = trayActions({
      app: { quit: () => undefined },
      agent,
      refresh: async () => void refreshed++,
      redrawTray: () => undefined,
      openSettings: () => undefined,
      copyPeerBlock: async () => ({ presharedKeyIncluded: false }),
      openLink: async () => ({ opened: true, reason: null }),
      loginItem: { get: () => false, set: () => undefined },
      notify: () => undefined,
      report: () => (err: unknown) => {
        throw err;
      },
    });
    agent.current = snapshot({ voice: { state: 'idle', wake: wake() } });
    await act('hands-free-toggle');
    agent.current = snapshot({ voice: { state: 'idle', wake: wake({ listening: 'paused' }) } });
    await act('hands-free-toggle');
    expect(agent.calls).toEqual(['voiceHandsFree(true)', 'voiceHandsFree(false)']);
    expect(refreshed).toBe(2);
  });
});
