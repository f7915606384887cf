// The log file is rotated by size: it never grows past its limit, a fixed number of files is kept, each 0600.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger, fileSink } from '../../../main/core/log/logger.js';
import { tempDir } from '../../helpers/tmp.js';

function lines(file: string): number[] {
  return fs
    .readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { n: number }).n);
}

describe('fileSink rotation', () => {
  it('keeps jett.log and two older files, none past the limit, newest lines last, all owner-only', () => {
    const dir = path.join(tempDir(), 'logs');
    const maxBytes = 400;
    const logger = createLogger({ sink: fileSink(dir, { maxBytes, keep: 3 }), format: 'json', clock: () => new Date(0) });
    for (let n = 1; n <= 200; n++) logger.info('tick', { n });

    expect(fs.readdirSync(dir).sort()).toEqual(['jett.log', 'jett.log.1', 'jett.log.2']);
    const files = ['jett.log.2', 'jett.log.1', 'jett.log'].map((f) => path.join(dir, f));
    for (const f of files) {
      expect(fs.statSync(f).size).toBeLessThanOrEqual(maxBytes);
      expect(fs.statSync(f).mode & 0o777).toBe(0o600);
    }
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    // Oldest to newest across the three files, ending with the last line written: nothing in between is missing.
    const kept = files.flatMap(lines);
    expect(kept.at(-1)).toBe(200);
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => 200 - kept.length + 1 + i));
  });

  it('counts what another writer of the same file wrote (the size comes from the file)', () => {
    const dir = path.join(tempDir(), 'logs');
    const a = fileSink(dir, { maxBytes: 100, keep: 2 });
    const b = fileSink(dir, { maxBytes: 100, keep: 2 });
    a('x'.repeat(60));
    b('y'.repeat(60));
    expect(fs.readFileSync(path.join(dir, 'jett.log'), 'utf8')).toBe(`${'y'.repeat(60)}\n`);
    expect(fs.readFileSync(path.join(dir, 'jett.log.1'), 'utf8')).toBe(`${'x'.repeat(60)}\n`);
  });

  it('writes a line longer than the limit to a file of its own instead of losing it', () => {
    const dir = path.join(tempDir(), 'logs');
    const sink = fileSink(dir, { maxBytes: 50, keep: 2 });
    sink('short');
    sink('L'.repeat(120));
    expect(fs.readFileSync(path.join(dir, 'jett.log'), 'utf8')).toBe(`${'L'.repeat(120)}\n`);
    expect(fs.readFileSync(path.join(dir, 'jett.log.1'), 'utf8')).toBe('short\n');
  });

  it('makes the folder again when it was removed under a running process, and keeps the line', () => {
    const dir = path.join(tempDir(), 'logs');
    const sink = fileSink(dir, { maxBytes: 1000, keep: 2 });
    sink('before');
    fs.rmSync(dir, { recursive: true });
    sink('after the folder was removed');
    expect(fs.readFileSync(path.join(dir, 'jett.log'), 'utf8')).toBe('after the folder was removed\n');
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
  });
});
