// jett.db replaced by a folder or a FIFO: a clear DatabaseError naming the path and the fix (never "a bug in
// Jett", never a hang), and the thing left as it was.
import { execa, execaSync } from 'execa';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLocalDb } from '../../../main/core/db/local-db.js';
import { DatabaseError } from '../../../main/core/db/errors.js';
import { resolveBinary } from '../../../main/core/process/binaries.js';
import { jett } from '../../helpers/cli.js';
import { binary, describeWith } from '../../helpers/requirements.js';
import { tempDir } from '../../helpers/tmp.js';

function errorOf(fn: () => unknown): DatabaseError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DatabaseError) return e;
    throw e;
  }
  throw new Error('expected a DatabaseError');
}

describe('jett.db as a folder', () => {
  it('`jett outbox status` names the folder and how to move it aside', async () => {
    const home = tempDir();
    const db = path.join(home, 'jett.db');
    fs.mkdirSync(db);
    fs.writeFileSync(path.join(db, 'kept.txt'), 'mine');
    const res = await jett(['outbox', 'status'], { home });
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain(`DatabaseError: ${db} is a folder, not a file`);
    expect(res.stderr).toContain(`mv ${db} ${db}.folder`);
    expect(res.stderr).not.toMatch(/bug in Jett|EISDIR/);
    expect(fs.readFileSync(path.join(db, 'kept.txt'), 'utf8')).toBe('mine');
  });
});

describeWith([binary('mkfifo')], 'jett.db as a FIFO', () => {
  it('is refused at once, without waiting for a writer', () => {
    const db = path.join(tempDir(), 'jett.db');
    execaSync(resolveBinary('mkfifo')!, ['-m', '600', db]);
    const err = errorOf(() => openLocalDb(db));
    expect(err.message).toMatch(/is a FIFO \(named pipe\), not a regular file/);
    expect(err.fix).toContain(`mv ${db}`);
    expect(fs.statSync(db).isFIFO()).toBe(true);
  });

  it('the CLI, as a child process, exits with the error instead of hanging', async () => {
    const home = tempDir();
    execaSync(resolveBinary('mkfifo')!, ['-m', '600', path.join(home, 'jett.db')]);
    const res = await execa(process.execPath, ['bin/jett.mjs', 'outbox', 'status'], { env: { ...process.env, JETT_HOME: home }, reject: false, timeout: 60_000 });
    expect(res.timedOut).toBe(false);
    expect(res.stderr).toMatch(/DatabaseError: .*jett\.db is a FIFO/);
  });
});
