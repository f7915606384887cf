// The word error rate the real-weight tests hold Whisper to.
import { describe, expect, it } from 'vitest';
import { wordErrorRate, words } from '../../integration/models/wer.js';

describe('wordErrorRate', () => {
  it('ignores case and punctuation, and counts substitutions, insertions and deletions per reference word', () => {
    expect(words("Turn on the kitchen lights, please. It's late!")).toEqual(['turn', 'on', 'the', 'kitchen', 'lights', 'please', "it's", 'late']);
    expect(wordErrorRate('Turn on the lights.', 'turn on the lights')).toBe(0);
    expect(wordErrorRate('turn on the lights', 'turn off the lights')).toBe(0.25);
    expect(wordErrorRate('turn on the lights', 'turn on the lights now')).toBe(0.25);
    expect(wordErrorRate('turn on the lights', 'turn the lights')).toBe(0.25);
    expect(wordErrorRate('turn on the lights', '')).toBe(1);
    expect(wordErrorRate('', '')).toBe(0);
  });
});
