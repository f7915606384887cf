// A real n8n (tools/n8n) for the tests and `jett demo`, set up exactly as install.sh sets up the VPS's: a bundle
// folder of generated env files and rendered workflows, then the bundle's own n8n-setup.sh (import, activation, the
// owner account). n8n keeps its own database in the given PostgreSQL cluster; it runs on loopback or inside a network
// namespace, listens on the address given, sends nothing anywhere, and dies with this process.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { execa, type ResultPromise } from 'execa';
import { liveResources } from '../../core/process/live-resources.js';
import { resolveBinary } from '../../core/process/binaries.js';
import { resourcePath } from '../../core/resources.js';
import { N8N_OWNER_EMAIL, generateN8nOwnerPassword, generatePassword, serviceEnvFiles } from '../../core/vps/env-files.js';
import { DEFAULT_DETECTOR_EVERY_S, renderWorkflows, type RenderedWorkflow } from '../../core/vps/n8n-workflows.js';
import type { JettDatabase } from '../postgres/provision.js';
import { N8nHarnessError, n8nToolsDir, requireN8nEntry } from './installed.js';

export interface N8nOptions {
  /** The Jett database (provisionJettDatabase): n8n's own role and database, and jett_n8n for the workflows. */
  db: JettDatabase;
  /** The desktop's webhook token (the bundle's JETT_DESKTOP_TOKEN). */
  token: string;
  /** Address n8n listens on (inside `netns` when given). */
  host?: string;
  /** TCP port; a random one when left out. */
  port?: number;
  /** Run n8n and its CLI inside this network namespace (`ip netns exec NAME`); needs root. */
  netns?: string;
  /** Seconds between runs of the offline detector (a VPS: 60). */
  detectorEveryS?: number;
  /** Most time to wait for n8n to start and load its workflows. */
  startTimeoutMs?: number;
}

export interface N8nServer {
  /** http://HOST:PORT */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly pid: number;
  /** The generated bundle folder (env/*.env 0600, n8n/*.json) the setup script read. */
  readonly bundleDir: string;
  readonly owner: { email: string; password: string };
  readonly workflows: RenderedWorkflow[];
  /** What n8n-setup.sh printed (its import and owner steps). */
  readonly setupLog: string[];
  /** n8n's last lines of output, for a test's failure message. */
  readonly log: string[];
  stop(): Promise<void>;
}

const KIND = 'n8n';
const READY_LINE = 'Editor is now accessible via';

/** n8n's settings, as the bundle's compose file gives them, for a private run: nothing leaves the machine. */
function n8nEnv(opts: { db: JettDatabase; userFolder: string; host: string; port: number; encryptionKey: string }): Record<string, string> {
  const tools = n8nToolsDir()!;
  return {
    PATH: [path.join(tools, 'node_modules', '.bin'), path.dirname(process.execPath), '/usr/bin', '/bin'].join(':'),
    HOME: opts.userFolder,
    LC_ALL: 'C.UTF-8',
    // As n8n's image sets it: error answers then carry no stack trace.
    NODE_ENV: 'production',
    TZ: 'UTC',
    GENERIC_TIMEZONE: 'UTC',
    DB_TYPE: 'postgresdb',
    DB_POSTGRESDB_HOST: opts.db.n8nApp.host,
    DB_POSTGRESDB_PORT: String(opts.db.n8nApp.port),
    DB_POSTGRESDB_DATABASE: opts.db.n8nApp.database,
    DB_POSTGRESDB_USER: opts.db.n8nApp.user,
    DB_POSTGRESDB_PASSWORD: opts.db.n8nApp.password,
    N8N_USER_FOLDER: opts.userFolder,
    N8N_ENCRYPTION_KEY: opts.encryptionKey,
    N8N_LISTEN_ADDRESS: opts.host,
    N8N_HOST: opts.host,
    N8N_PORT: String(opts.port),
    N8N_PROTOCOL: 'http',
    N8N_SECURE_COOKIE: 'false',
    N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
    N8N_DIAGNOSTICS_ENABLED: 'false',
    N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
    N8N_PERSONALIZATION_ENABLED: 'false',
    N8N_TEMPLATES_ENABLED: 'false',
    N8N_HIRING_BANNER_ENABLED: 'false',
    N8N_BLOCK_ENV_ACCESS_IN_NODE: 'true',
    N8N_GIT_NODE_DISABLE_BARE_REPOS: 'true',
    N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '5',
    N8N_LOG_LEVEL: 'info',
    N8N_LOG_OUTPUT: 'console',
  };
}

/** The bundle folder install.sh would have: env files in the generator's own format (0600) and the workflows. */
function writeBundle(dir: string, opts: { db: JettDatabase; token: string; ownerPassword: string; encryptionKey: string; detectorEveryS: number }): RenderedWorkflow[] {
  fs.mkdirSync(path.join(dir, 'env'), { mode: 0o700 });
  fs.mkdirSync(path.join(dir, 'n8n'), { mode: 0o755 });
  const files = serviceEnvFiles(
    {
      postgresPassword: generatePassword(),
      jettDbPassword: opts.db.desktop.password,
      n8nDbPassword: opts.db.n8nApp.password,
      workflowsDbPassword: opts.db.n8n.password,
      backupDbPassword: opts.db.backup.password,
      n8nEncryptionKey: opts.encryptionKey,
      qdrantApiKey: generatePassword(),
      desktopToken: opts.token,
      portainerAdminPassword: generatePassword(),
      n8nOwnerPassword: opts.ownerPassword,
    },
    { user: opts.db.desktop.user, database: opts.db.desktop.database },
  );
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, 'env', name), text, { mode: 0o600 });
  const workflows = renderWorkflows(resourcePath('vps/n8n'), { detectorEveryS: opts.detectorEveryS });
  for (const wf of workflows) fs.writeFileSync(path.join(dir, 'n8n', wf.file), wf.text, { mode: 0o644 });
  return workflows;
}

function nsPrefix(netns: string | undefined): string[] {
  if (!netns) return [];
  const ip = resolveBinary('ip');
  if (!ip) throw new N8nHarnessError('`ip` is missing, so n8n cannot run inside a network namespace', 'install iproute2 (`npm run setup:linux`)');
  return [ip, 'netns', 'exec', netns];
}

/** Runs one step of the bundle's n8n-setup.sh, as install.sh does, with n8n where it runs here. */
async function setupStep(step: 'import' | 'owner', prefix: string[], env: Record<string, string>, log: string[]): Promise<void> {
  const bash = resolveBinary('bash');
  if (!bash) throw new N8nHarnessError('bash is missing', 'install bash');
  const r = await execa(bash, [resourcePath('vps/n8n-setup.sh'), step, ...prefix], { env, extendEnv: false, reject: false, stdin: 'ignore', all: true });
  log.push(...r.all.split('\n').filter(Boolean));
  if (r.exitCode !== 0) {
    throw new N8nHarnessError(`n8n-setup.sh ${step} failed (exit ${r.exitCode}): ${r.all.trim().split('\n').slice(-8).join(' | ')}`, 'see the messages; `npm run setup:n8n` reinstalls n8n');
  }
}

/** Starts n8n after importing, activating and creating the owner as install.sh does; resolves once it serves. */
export async function startN8n(opts: N8nOptions): Promise<N8nServer> {
  const entry = requireN8nEntry();
  const host = opts.host ?? '127.0.0.1';
  const port = opts.port ?? 20000 + Math.floor(Math.random() * 40000);
  const prefix = nsPrefix(opts.netns);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jett-n8n-'));
  fs.chmodSync(dir, 0o700);
  const bundleDir = path.join(dir, 'bundle');
  const userFolder = path.join(dir, 'user');
  fs.mkdirSync(bundleDir, { mode: 0o700 });
  fs.mkdirSync(userFolder, { mode: 0o700 });
  const encryptionKey = generatePassword();
  const owner = { email: N8N_OWNER_EMAIL, password: generateN8nOwnerPassword() };
  const setupLog: string[] = [];
  const log: string[] = [];
  let child: ResultPromise | null = null;
  let registration: { forget(): void } | null = null;

  const kill = (signal: NodeJS.Signals) => {
    // Its own process group: n8n's task runner goes with it.
    if (child?.pid) {
      try {
        process.kill(-child.pid, signal);
      } catch {
        // Already gone.
      }
    }
  };
  const stop = async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      kill('SIGTERM');
      const timer = setTimeout(() => kill('SIGKILL'), 10_000);
      await child.catch(() => undefined);
      clearTimeout(timer);
    }
    registration?.forget();
    fs.rmSync(dir, { recursive: true, force: true });
  };

  try {
    const workflows = writeBundle(bundleDir, { db: opts.db, token: opts.token, ownerPassword: owner.password, encryptionKey, detectorEveryS: opts.detectorEveryS ?? DEFAULT_DETECTOR_EVERY_S });
    const env = n8nEnv({ db: opts.db, userFolder, host, port, encryptionKey });
    const setupEnv = {
      ...env,
      JETT_BUNDLE_DIR: bundleDir,
      JETT_N8N_WORKFLOWS: path.join(bundleDir, 'n8n'),
      JETT_N8N_PG_HOST: opts.db.n8n.host,
      JETT_N8N_PG_PORT: String(opts.db.n8n.port),
      JETT_N8N_URL: `http://${host}:${port}`,
    };
    // Before the first start, as on a VPS where install.sh restarts n8n after the import: it loads the active workflows.
    await setupStep('import', prefix, setupEnv, setupLog);

    const argv = [...prefix, process.execPath, entry, 'start'];
    child = execa(argv[0]!, argv.slice(1), { env, extendEnv: false, stdin: 'ignore', buffer: false, reject: false, detached: true, all: true });
    const pid = child.pid!;
    registration = liveResources.add({ kind: KIND, pid, release: () => kill('SIGKILL'), stop });
    const ready = new Promise<void>((resolve, reject) => {
      readline.createInterface({ input: child!.all! }).on('line', (line) => {
        log.push(line);
        if (log.length > 200) log.shift();
        if (line.includes(READY_LINE)) resolve();
      });
      void child!.then((r) => reject(new N8nHarnessError(`n8n exited (${r.exitCode ?? r.signal}) before it served: ${log.slice(-8).join(' | ')}`, 'see its output above')));
      const timeout = opts.startTimeoutMs ?? 120_000;
      setTimeout(() => reject(new N8nHarnessError(`n8n did not start within ${timeout / 1000} s: ${log.slice(-8).join(' | ')}`, 'see its output; a loaded machine may need a longer startTimeoutMs')), timeout).unref();
    });
    await ready;
    await setupStep('owner', prefix, setupEnv, setupLog);
    return { url: `http://${host}:${port}`, host, port, pid, bundleDir, owner, workflows, setupLog, log, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
