// A private PostgreSQL cluster (initdb + pg_ctl in a temp folder, random port) for the tests and `jett demo`.
// Both programs refuse to run as root, so as root they run as the `postgres` user on a folder that user owns;
// with `netns` the server runs inside that network namespace, bound to the address given.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import pg from 'pg';
import { resolveBinary } from '../../core/process/binaries.js';
import { PgClusterError } from './errors.js';

const DEBIAN_PG_ROOT = '/usr/lib/postgresql';

/**
 * The server programs' folder: JETT_PG_BIN_DIR, else the newest Debian major under /usr/lib/postgresql that has
 * initdb (15 on Debian 12, the version the VPS image pins), else the Debian 12 path, which the tests' requirement
 * check then reports as missing with `npm run setup:linux`.
 */
export function findPgBinDir(env: NodeJS.ProcessEnv = process.env, root = DEBIAN_PG_ROOT): string {
  if (env.JETT_PG_BIN_DIR) return env.JETT_PG_BIN_DIR;
  let majors: number[] = [];
  try {
    majors = fs.readdirSync(root).filter((d) => /^\d+$/.test(d)).map(Number).sort((a, b) => b - a);
  } catch {
    // No Debian PostgreSQL at all: fall through to the default path.
  }
  const found = majors.find((m) => fs.existsSync(path.join(root, String(m), 'bin', 'initdb')));
  return path.join(root, String(found ?? 15), 'bin');
}

export const PG_BIN_DIR = findPgBinDir();

export interface PgClusterOptions {
  /** Folder holding initdb, pg_ctl and postgres; findPgBinDir() by default. */
  binDir?: string;
  /** Address the server listens on (inside `netns` when given). */
  host?: string;
  /** TCP port; a random free one when left out. */
  port?: number;
  /** Run the server inside this network namespace (`ip netns exec NAME`); needs root. */
  netns?: string;
  /** Client networks (CIDRs) allowed to log in with a password besides loopback, e.g. the tunnel's subnet. */
  allowFrom?: string[];
}

export interface PgDatabase {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
}

export interface PgCluster {
  readonly host: string;
  readonly port: number;
  readonly dir: string;
  /** The Unix socket folder: superuser access without a password, reachable from any network namespace. */
  readonly socketDir: string;
  /** A superuser client over the Unix socket (the caller ends it). */
  adminClient(database?: string): Promise<pg.Client>;
  /** The server's process id (for a hard stop at exit). */
  readonly pid: number;
  stop(): Promise<void>;
}

interface RunAs {
  uid: number;
  gid: number;
  prefix: string[];
}

function bin(binDir: string, name: string): string {
  const file = path.join(binDir, name);
  const found = resolveBinary(file);
  if (!found) {
    throw new PgClusterError(
      `PostgreSQL 15 program ${file} is missing`,
      'install PostgreSQL 15 (`npm run setup:linux` installs the Debian package postgresql)',
    );
  }
  return found;
}

function required(name: string): string {
  const found = resolveBinary(name);
  if (!found) throw new PgClusterError(`${name} is missing`, 'install it (`npm run setup:linux`)');
  return found;
}

/** As root: run as `postgres`; otherwise run as ourselves. */
async function runAs(): Promise<RunAs> {
  if (process.getuid?.() !== 0) return { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0, prefix: [] };
  const id = required('id');
  const [uid, gid] = await Promise.all([
    execa(id, ['-u', 'postgres'], { reject: false }),
    execa(id, ['-g', 'postgres'], { reject: false }),
  ]);
  if (uid.exitCode !== 0 || gid.exitCode !== 0) {
    throw new PgClusterError('running as root, and there is no `postgres` user to run PostgreSQL as', 'install the Debian package postgresql, which creates that user');
  }
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()), prefix: [required('runuser'), '-u', 'postgres', '--'] };
}

function quoteLiteral(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

export async function startPgCluster(opts: PgClusterOptions = {}): Promise<PgCluster> {
  const binDir = opts.binDir ?? PG_BIN_DIR;
  const initdb = bin(binDir, 'initdb');
  const pgCtl = bin(binDir, 'pg_ctl');
  const user = await runAs();
  const nsPrefix = opts.netns ? [required('ip'), 'netns', 'exec', opts.netns] : [];
  const host = opts.host ?? '127.0.0.1';

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jett-pg-'));
  const dataDir = path.join(dir, 'data');
  const socketDir = path.join(dir, 'sock');
  const logFile = path.join(dir, 'server.log');
  fs.mkdirSync(socketDir, { mode: 0o700 });
  fs.chmodSync(dir, 0o700);
  const pwFile = path.join(dir, 'pwfile');
  fs.writeFileSync(pwFile, randomBytes(24).toString('hex'), { mode: 0o600 });
  for (const p of [dir, socketDir, pwFile]) fs.chownSync(p, user.uid, user.gid);

  const run = async (argv: string[], what: string) => {
    const [file, ...args] = [...nsPrefix, ...user.prefix, ...argv] as [string, ...string[]];
    const r = await execa(file, args, { reject: false, stdin: 'ignore', cwd: dir, env: { LC_ALL: 'C.UTF-8' } });
    if (r.exitCode !== 0) {
      const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').trim().split('\n').slice(-5).join(' | ') : '';
      throw new PgClusterError(`${what} failed: ${(r.stderr || r.stdout).trim()}${log ? ` (log: ${log})` : ''}`, `see ${logFile}; the cluster folder is ${dir}`);
    }
  };

  try {
    // The superuser password only satisfies initdb; admin access goes through the owner-only socket folder.
    await run([initdb, '-D', dataDir, '-U', 'postgres', '-E', 'UTF8', '--locale=C.UTF-8', '--auth-local=trust', '--auth-host=scram-sha-256', `--pwfile=${pwFile}`, '--no-sync'], 'initdb');
    fs.rmSync(pwFile);
    // Password logins over TCP from loopback and the allowed networks only (a cluster bound to a namespace address,
    // the demo's VPS, is reached from the desktop's address). Admin uses the owner-only socket.
    const allow = ['127.0.0.1/32', '::1/128', ...(opts.allowFrom ?? [])];
    fs.writeFileSync(path.join(dataDir, 'pg_hba.conf'), ['local all all trust', ...allow.map((cidr) => `host all all ${cidr} scram-sha-256`), ''].join('\n'));
    const tries = opts.port ? 1 : 5;
    for (let attempt = 1; ; attempt++) {
      const port = opts.port ?? 20000 + Math.floor(Math.random() * 40000);
      const conf = [
        `listen_addresses = ${quoteLiteral(host)}`,
        `port = ${port}`,
        `unix_socket_directories = ${quoteLiteral(socketDir)}`,
        'max_connections = 60',
        '',
      ].join('\n');
      fs.writeFileSync(path.join(dataDir, 'postgresql.auto.conf'), conf);
      try {
        await run([pgCtl, 'start', '-D', dataDir, '-l', logFile, '-w', '-t', '60', '-s'], 'pg_ctl start');
      } catch (err) {
        if (attempt < tries) continue;
        throw err;
      }
      const pid = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      return makeCluster({ host, port, dir, socketDir, pid, stop: () => run([pgCtl, 'stop', '-D', dataDir, '-m', 'fast', '-w', '-s'], 'pg_ctl stop') });
    }
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

function makeCluster(p: { host: string; port: number; dir: string; socketDir: string; pid: number; stop: () => Promise<void> }): PgCluster {
  const adminClient = async (database = 'postgres') => {
    const c = new pg.Client({ host: p.socketDir, port: p.port, user: 'postgres', database });
    await c.connect();
    return c;
  };
  let stopped = false;
  return {
    host: p.host,
    port: p.port,
    dir: p.dir,
    socketDir: p.socketDir,
    pid: p.pid,
    adminClient,
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        await p.stop();
      } finally {
        fs.rmSync(p.dir, { recursive: true, force: true });
      }
    },
  };
}
