// `jett status`'s hands-free line: listening or paused with its counts, off with the reason, the any-speech warning.
import { describe, expect, it } from 'vitest';
import type { WakeStatus } from '../../../main/core/contracts/status.js';
import { wakeLine } from '../../../main/cli/status-line.js';
import { snapshot } from '../app/helpers.js';

const withWake = (over: Partial<WakeStatus>) => snapshot({ voice: { state: 'idle', wake: { listening: 'on', word: 'hey_jarvis', threshold: 0.5, detections: 0, falseWakes: 0, reason: null, ...over } } });

describe('wakeLine', () => {
  it('counts detections and false wakes', () => {
    expect(wakeLine(withWake({ detections: 3, falseWakes: 1 }))).toBe('hands-free listening for hey_jarvis (threshold 0.5): 3 detections, 1 false wake since the agent started');
    expect(wakeLine(withWake({ listening: 'paused', detections: 1 }))).toBe('hands-free paused for hey_jarvis (threshold 0.5): 1 detection, 0 false wakes since the agent started');
  });

  it('says why hands-free is off, warns about any-speech, and says nothing without hands-free', () => {
    expect(wakeLine(withWake({ listening: 'off', reason: 'hands-free is off: the wake-word model x is corrupt. reinstall Jett' }))).toBe('hands-free is off: the wake-word model x is corrupt. reinstall Jett');
    expect(wakeLine(withWake({ word: 'none', reason: 'voice.wakeWord is none' }))).toBe('hands-free: any speech starts a turn (warning: voice.wakeWord is none)');
    expect(wakeLine(snapshot())).toBeNull();
  });
});
