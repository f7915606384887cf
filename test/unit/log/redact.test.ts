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
