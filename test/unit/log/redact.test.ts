// A private key handed to the logger in any field, message or error never reaches the log output.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../main/core/log/logger.js';
import { Redactor } from '../../../main/core/log/redact.js';

const KEY = 'yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=';

function capture(format: 'json' | 'pretty') {
  const lines: string[] = [];
  const redactor = new Redactor();
  redactor.addSecret(KEY);
  return { lines, logger: createLogger({ sink: (l) => lines.push(l), format, redactor, level: 'debug' }) };
}

describe('log redaction', () => {
  it('hides a known secret whatever the field is called and however deep it sits', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 12 }),
        fc.array(fc.string({ minLength: 1, maxLength: 8 }), { maxLength: 4 }),
        fc.constantFrom<'json' | 'pretty'>('json', 'pretty'),
        fc.string({ maxLength: 20 }),
        (field, nesting, format, around) => {
          const { lines, logger } = capture(format);
          const value = `${around}${KEY}${around}`;
          const nested = nesting.reduceRight<unknown>((inner, k) => ({ [k]: inner }), value);
          logger.info(`connecting with ${KEY}`, { [field]: nested, list: [value], err: new Error(`bad key ${KEY}`) });
          logger.child({ ctx: value }).warn('child', { x: value });
          expect(lines.join('\n')).not.toContain(KEY);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('hides fields named like secrets even when their value is not registered', () => {
    const { lines, logger } = capture('json');
    logger.info('db', { password: 'hunter2-but-longer', presharedKey: 'abc', apiKey: 'k', token: 't', host: '10.0.0.2' });
    const record = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(record).toMatchObject({ password: '[redacted]', presharedKey: '[redacted]', apiKey: '[redacted]', token: '[redacted]', host: '10.0.0.2' });
  });

  it('hides the key lines of a wg-quick config pasted into a message', () => {
    const { lines, logger } = capture('pretty');
    logger.error('bad config:\n[Interface]\nPrivateKey = c29tZXRoaW5nLXNlY3JldC1ub3QtcmVnaXN0ZXJlZC0xMjM=\nPresharedKey=QUFB');
    expect(lines[0]).not.toContain('c29tZXRoaW5nLXNlY3JldC1ub3QtcmVnaXN0ZXJlZC0xMjM=');
    expect(lines[0]).not.toContain('QUFB');
    expect(lines[0]).toContain('PrivateKey = [redacted]');
  });

  it('writes one JSON object a line with time, level and message', () => {
    const { lines, logger } = capture('json');
    logger.info('tunnel up', { iface: 'jett0' });
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'info', msg: 'tunnel up', iface: 'jett0', time: expect.any(String) });
  });
});

describe('short secret values', () => {
  const PIN = '4821';

  function withPin(format: 'json' | 'pretty') {
    const lines: string[] = [];
    const redactor = new Redactor();
    redactor.addSecret(PIN);
    return { lines, logger: createLogger({ sink: (l) => lines.push(l), format, redactor, level: 'debug' }) };
  }

  it('a known 4-character value is hidden in messages, fields of any name and errors', () => {
    for (const format of ['json', 'pretty'] as const) {
      const { lines, logger } = withPin(format);
      logger.info(`unlocking with ${PIN}`, { code: PIN, url: `http://10.0.0.2/unlock?pin=${PIN}&x=1`, list: [`"${PIN}"`], err: new Error(`PIN ${PIN} refused`) });
      const out = lines.join('\n');
      expect(out).not.toMatch(new RegExp(`(^|[^0-9])${PIN}([^0-9]|$)`));
      expect(out.split('[redacted]').length - 1).toBe(5);
    }
  });

  it('is matched as a whole token, so numbers and words that merely contain it stay readable', () => {
    const { lines, logger } = withPin('json');
    logger.info('probe', { port: 48210, peer: '10.0.0.2:14821', id: 'a4821b' });
    expect(JSON.parse(lines[0]!)).toMatchObject({ port: 48210, peer: '10.0.0.2:14821', id: 'a4821b' });
  });

  it('values of one character upward are redacted, and edges that are punctuation need no boundary', () => {
    const r = new Redactor();
    for (const v of ['x', '+a/=', 'p@ss', 'ü9']) r.addSecret(v);
    expect(r.redactString('x marks x1 and y-x')).toBe('[redacted] marks x1 and y-[redacted]');
    expect(r.redactString('key=a+a/=b')).toBe('key=a[redacted]b');
    expect(r.redactString('login p@ss, then ü9.')).toBe('login [redacted], then [redacted].');
    r.addSecret('');
    r.addSecret(' \t');
    expect(r.redactString('nothing empty or blank is matched')).toBe('nothing empty or blank is matched');
  });

  it('no known value of 1-7 characters survives as a token, whatever surrounds it', () => {
    const alnum = fc.string({ unit: fc.constantFrom(...'abcXYZ0123456789'), minLength: 1, maxLength: 7 });
    const gap = fc.string({ unit: fc.constantFrom(' ', '=', '"', ':', '/', '&', '\n', ','), maxLength: 3 });
    fc.assert(
      fc.property(alnum, fc.array(fc.tuple(gap, fc.string({ maxLength: 10 })), { maxLength: 4 }), (secret, parts) => {
        const r = new Redactor();
        r.addSecret(secret);
        const text = parts.map(([g, w]) => `${g}${secret}${g}${w}`).join('') + ` ${secret}`;
        const tokens = r.redactString(text).split(/[^\p{L}\p{N}]+/u);
        expect(tokens).not.toContain(secret);
      }),
      { numRuns: 500 },
    );
  });

  it('arbitrary short values, punctuation and astral characters included, never throw and are removed', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 4 }).filter((v) => v.trim().length > 0), fc.string({ maxLength: 10 }), (secret, around) => {
        const r = new Redactor();
        r.addSecret(secret);
        const out = r.redactString(` ${secret} ${around}`);
        expect(out.startsWith(' [redacted] ')).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
