// The fragmenter cuts the first fragment after three words (or a shorter full sentence), then by sentence,
// never inside a number, a URL or an abbreviation, however the stream is split into tokens.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Fragmenter } from '../../../main/core/voice/fragmenter.js';

function run(text: string, tokens: string[] = text.match(/\s*\S+/g) ?? []): string[] {
  const f = new Fragmenter();
  const out: string[] = [];
  for (const t of tokens) out.push(...f.push(t));
  out.push(...f.flush());
  return out;
}

describe('Fragmenter', () => {
  it('emits the first three words as soon as they are complete, then whole sentences', () => {
    const f = new Fragmenter();
    expect(f.push('The')).toEqual([]);
    expect(f.push(' weather')).toEqual([]);
    expect(f.push(' today')).toEqual([]);
    expect(f.push(' is')).toEqual(['The weather today']);
    expect(f.push(' sunny and warm.')).toEqual([]);
    expect(f.push(' Take')).toEqual(['is sunny and warm.']);
    expect(f.push(' a hat.')).toEqual([]);
    expect(f.flush()).toEqual(['Take a hat.']);
  });

  it('gives a shorter first fragment only for a short sentence or a short reply', () => {
    expect(run('Yes. I can do that for you today.')).toEqual(['Yes.', 'I can do that for you today.']);
    expect(run('Sure thing')).toEqual(['Sure thing']);
  });

  it('never cuts inside a number, a URL or an abbreviation', () => {
    expect(run('It costs 3.50 dollars. Dr. Smith lives at example.com/a.b now. That is all.')).toEqual([
      // Not "It costs 3.50 | dollars": a word-count cut never follows a number.
      'It costs 3.50 dollars.',
      'Dr. Smith lives at example.com/a.b now.',
      'That is all.',
    ]);
    expect(run('About 1,000 people came, e.g. my friends. Done.')).toEqual(['About 1,000 people', 'came, e.g. my friends.', 'Done.']);
    expect(run('We have $5 million in the bank.')).toEqual(['We have $5 million', 'in the bank.']);
  });

  it('cuts a long sentence at a clause boundary so speech does not stall', () => {
    const long = 'One two three, ' + Array.from({ length: 26 }, (_, i) => `w${i}`).join(' ') + ', and the end.';
    const parts = run(long);
    expect(parts.length).toBe(3);
    expect(parts.join(' ')).toBe(long);
  });

  it('keeps every word, in order, for any tokenisation of the stream', () => {
    const text = 'Hello there, Mr. Jones. The total is 12.75 euros, see https://x.org/a.b?c=1. Bye!';
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: text.length - 1 }), { maxLength: 20 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const tokens = [0, ...points].map((p, i) => text.slice(p, points[i] ?? text.length));
        const parts = run(text, tokens);
        expect(parts.join(' ')).toBe(text);
        for (const p of parts) {
          expect(p).not.toMatch(/^\.?\d/);
          expect(p.endsWith('Mr.')).toBe(false);
        }
      }),
    );
  });

  it('drops markdown marks that a voice should not read', () => {
    expect(run('**Note**: use `ls` now.')).toEqual(['Note: use ls', 'now.']);
  });
});
