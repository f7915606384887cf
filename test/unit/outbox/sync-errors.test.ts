// How a failed push is classified and how long it waits: full jitter under the cap; transient, gap, setup.
import { describe, expect, it } from 'vitest';
import { SecretError } from '../../../main/core/errors.js';
import { backoffDelayMs, classifyFailure, fixFor } from '../../../main/core/sync/errors.js';
import { TunnelDownError } from '../../../main/core/tunnel/vps-guard.js';
import { parseFailpoint } from '../../faults/failpoints.js';

const pgError = (code: string) => Object.assign(new Error(`pg ${code}`), { code });

describe('push failure classification', () => {
  it('retries connection loss, timeouts, serialization failures, deadlocks and admin shutdown as transient', () => {
    for (const e of [pgError('40001'), pgError('40P01'), pgError('57P01'), pgError('57014'), pgError('08006'), pgError('53300'), Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), new Error('Connection terminated unexpectedly'), new Error('Query read timeout')]) {
      expect(classifyFailure(e).kind, e.message).toBe('transient');
    }
  });

  it('retries a refusal of the tunnel guard as transient, keeping its fix (`jett tunnel up`)', () => {
    const f = classifyFailure(new TunnelDownError('the tunnel is down (interface jett0 does not exist)', 'bring the tunnel up: `jett tunnel up`'));
    expect(f).toMatchObject({ kind: 'transient', code: 'JETT_TUNNEL_DOWN' });
    expect(fixFor(f)).toContain('jett tunnel up');
  });

  it('calls a seq gap a gap, and a wrong password, a missing function or a missing secret a setup problem with a fix', () => {
    expect(classifyFailure(pgError('JT001'))).toMatchObject({ kind: 'gap', code: 'JT001' });
    expect(fixFor(classifyFailure(pgError('JT001')))).toContain('restored');
    expect(classifyFailure(pgError('28P01')).kind).toBe('setup');
    expect(classifyFailure(pgError('42883')).kind).toBe('setup');
    expect(fixFor(classifyFailure(pgError('28P01')))).toContain('postgres.password');
    const missing = classifyFailure(new SecretError('no secret', 'run `jett secret set postgres.password`'));
    expect(missing).toMatchObject({ kind: 'setup', fix: 'run `jett secret set postgres.password`' });
  });
});

describe('full-jitter backoff', () => {
  it('stays in [0, min(cap, base * 2^(n-1))) and reaches the 5 min cap', () => {
    const base = 1000;
    const cap = 300_000;
    expect(backoffDelayMs(1, base, cap, () => 0.999999)).toBe(999);
    expect(backoffDelayMs(3, base, cap, () => 0.5)).toBe(2000);
    expect(backoffDelayMs(30, base, cap, () => 0.999999)).toBe(299_999);
    expect(backoffDelayMs(30, base, cap, () => 0)).toBe(0);
    for (let n = 1; n < 40; n++) {
      const d = backoffDelayMs(n, base, cap, Math.random);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThan(Math.min(cap, base * 2 ** (n - 1)));
    }
  });
});

describe('failpoint spec (test-only hook)', () => {
  it('parses NAME@N and refuses unknown names and bad counts', () => {
    expect(parseFailpoint('push.after-commit@3')).toEqual({ name: 'push.after-commit', hit: 3 });
    expect(parseFailpoint('push.mark-sent')).toEqual({ name: 'push.mark-sent', hit: 1 });
    expect(() => parseFailpoint('push.nowhere@1')).toThrow(/unknown failpoint/);
    expect(() => parseFailpoint('push.mark-sent@0')).toThrow(/not a hit count/);
  });
});
