// secrets.json replaced by something that is not a file: a FIFO must not hang `jett`, a folder or a socket gets
// "is a folder, not a file" (never "mode 755"), and nothing is read from or written into it.
import { execa, execaSync } from 'execa';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SafeStorageSecretStore } from '../../../main/app/secrets/safe-storage-store.js';
import { SecretError } from '../../../main/core/errors.js';
import { resolveBinary } from '../../../main/core/process/binaries.js';
import { FileSecretStore } from '../../../main/core/secrets/file-store.js';
import { safeStorage } from '../../mocks/electron.js';
import { binary, describeWith } from '../../helpers/requirements.js';
import { jett } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/tmp.js';

async function errorOf(p: Promise<unknown>): Promise<SecretError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(SecretError);
  return err as SecretError;
}

describeWith([binary('mkfifo')], 'a FIFO named secrets.json', () => {
  it('`jett secret list` refuses it at once instead of waiting for a writer', async () => {
    const home = tempDir();
    const fifo = path.join(home, 'secrets.json');
    execaSync(resolveBinary('mkfifo')!, ['-m', '600', fifo]);
    // A child process, so that a regression shows as a killed child rather than a hung test worker.
    const res = await execa(process.execPath, ['bin/jett.mjs', 'secret', 'list'], { env: { ...process.env, JETT_HOME: home }, reject: false, timeout: 60_000 });
    expect(res.timedOut).toBe(false);
    expect(res.exitCode).not.toBe(0);
    expect(res.stderr).toContain(`the secret store ${fifo} is a FIFO (named pipe), not a regular file`);
    expect(res.stderr).toMatch(/fix: remove it/);
    expect(fs.statSync(fifo).isFIFO()).toBe(true);
  });

  it('set writes nothing into it: a process waiting on the other end reads no secret', async () => {
    const home = tempDir();
    const fifo = path.join(home, 'secrets.json');
    execaSync(resolveBinary('mkfifo')!, ['-m', '600', fifo]);
    const store = new FileSecretStore(fifo);
    const err = await errorOf(store.set('postgres.password', 'pg-pass-7f3a9c1e2b'));
    expect(err.message).toMatch(/is a FIFO/);
    expect(fs.statSync(fifo).isFIFO()).toBe(true);
  });

  it("the tray app's secrets.safe.json as a FIFO is refused too, instead of hanging the app at start", async () => {
    const fifo = path.join(tempDir(), 'secrets.safe.json');
    execaSync(resolveBinary('mkfifo')!, ['-m', '600', fifo]);
    const err = await errorOf(new SafeStorageSecretStore(fifo, safeStorage, 'linux').list());
    expect(err.message).toBe(`the secret store ${fifo} is a FIFO (named pipe), not a regular file`);
  });
});

describe('secrets.json as something else', () => {
  it('a folder is called a folder, with the command that moves it aside', async () => {
    const home = tempDir();
    const dir = path.join(home, 'secrets.json');
    fs.mkdirSync(dir, { mode: 0o755 });
    const res = await jett(['secret', 'list'], { home });
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain(`the secret store ${dir} is a folder, not a file`);
    expect(res.stderr).toContain(`mv ${dir} ${dir}.folder`);
    expect(res.stderr).not.toMatch(/mode 755|bug in Jett/);
    const set = await jett(['secret', 'set', 'postgres.password'], { home, stdin: 'pg-pass-7f3a9c1e2b\n' });
    expect(set.stderr).toContain('is a folder, not a file');
    expect(fs.statSync(dir).isDirectory()).toBe(true);
  });

  it.runIf(process.platform !== 'win32')('a Unix socket is refused by name', async () => {
    const home = tempDir();
    const sock = path.join(home, 'secrets.json');
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(sock, resolve));
    try {
      const err = await errorOf(new FileSecretStore(sock).list());
      expect(err.message).toBe(`the secret store ${sock} is a socket, not a regular file`);
    } finally {
      server.close();
    }
  });

  it('a file far larger than a few secrets is refused without being read', async () => {
    const home = tempDir();
    const file = path.join(home, 'secrets.json');
    fs.writeFileSync(file, '', { mode: 0o600 });
    fs.truncateSync(file, 64 * 1024 * 1024);
    const err = await errorOf(new FileSecretStore(file).get('postgres.password'));
    expect(err.message).toMatch(/is 67108864 bytes/);
  });
});
