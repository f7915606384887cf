// `jett doctor`: each check inspects one thing the desktop needs and says ok, warn or fail, with the fix.
import fs from 'node:fs';
import type { Config } from '../contracts/config.js';
import type { DoctorCheck, DoctorReport } from '../contracts/doctor.js';
import { JettError } from '../errors.js';
import { holdsModel, ollamaStatus, pullCommand } from '../ollama/server.js';
import type { SecretStore } from '../secrets/store.js';
import { checkHandsFree } from './hands-free-check.js';
import { vpsChecks, type VpsCheckDeps } from './vps-checks.js';
import { chooseExecutionProvider, cudaInstalled, CUDA_INSTALL_COMMAND, type OrtEnvironment } from '../voice/models/execution-provider.js';

export interface DoctorDeps {
  platform: NodeJS.Platform;
  loadConfig: () => Config;
  configFile: string;
  secrets: SecretStore;
  resolveBinary: (name: string) => string | null;
  /** Where the tunnel will take a program that runs as root (system folders only); throws when the one there is unsafe. */
  resolvePrivileged: (name: string) => string | null;
  fetch: typeof fetch;
  /** Loads onnxruntime-node and lists its backends (loadOrtEnvironment, as the engines do); throws when the native module cannot load. */
  loadOnnxRuntime: () => Promise<Pick<OrtEnvironment, 'backends' | 'libDir'>>;
  modelsDir: (config: Config) => string;
  /** For the checks of the way to the VPS (route, PostgreSQL, webhook); without it they say they were not run. */
  vps?: Omit<VpsCheckDeps, 'secrets'>;
}

const ok = (name: string, detail: string): DoctorCheck => ({ name, status: 'ok', detail, fix: null });
const warn = (name: string, detail: string, fix: string): DoctorCheck => ({ name, status: 'warn', detail, fix });
const fail = (name: string, detail: string, fix: string): DoctorCheck => ({ name, status: 'fail', detail, fix });

function checkConfig(deps: DoctorDeps): { check: DoctorCheck; config: Config | null } {
  try {
    const config = deps.loadConfig();
    return { check: ok('config', `${deps.configFile} is valid`), config };
  } catch (err) {
    const fix = err instanceof JettError ? err.fix : 'check the config file';
    return { check: fail('config', (err as Error).message, fix), config: null };
  }
}

async function checkSecrets(deps: DoctorDeps): Promise<DoctorCheck> {
  try {
    const names = await deps.secrets.list();
    const why = deps.secrets.reason ? ` (${deps.secrets.reason})` : '';
    const set = names.length > 0 ? `set: ${names.join(', ')}` : 'no secret set yet';
    return ok('secret-store', `${deps.secrets.kind} store at ${deps.secrets.location}${why}; ${set}`);
  } catch (err) {
    return fail('secret-store', (err as Error).message, err instanceof JettError ? err.fix : 'check the secret store file');
  }
}

function checkWireGuard(deps: DoctorDeps): DoctorCheck {
  try {
    return checkWireGuardPrograms(deps);
  } catch (err) {
    // An unsafe program in a system folder (not root's, or writable by others): the tunnel refuses it too.
    if (err instanceof JettError) return fail('wireguard', err.message, err.fix);
    throw err;
  }
}

function checkWireGuardPrograms(deps: DoctorDeps): DoctorCheck {
  const find = deps.resolvePrivileged;
  if (deps.platform === 'win32') {
    const exe = find('wireguard.exe');
    const wg = find('wg.exe');
    if (exe && wg) return ok('wireguard', `wireguard.exe at ${exe}, wg.exe at ${wg}`);
    return fail('wireguard', 'WireGuard for Windows is not installed', 'install WireGuard for Windows from wireguard.com/install, then run `jett tunnel install` as administrator');
  }
  const wg = find('wg');
  const quick = find('wg-quick');
  if (!wg || !quick) {
    const elsewhere = [!wg && deps.resolveBinary('wg'), !quick && deps.resolveBinary('wg-quick')].filter(Boolean);
    const note = elsewhere.length ? ` (found ${elsewhere.join(', ')}, but programs that run as root come only from /usr/bin, /usr/sbin, /bin, /sbin)` : '';
    return fail('wireguard', `missing: ${[!wg && 'wg', !quick && 'wg-quick'].filter(Boolean).join(', ')}${note}`, 'install wireguard-tools (Debian/Ubuntu: `sudo apt install wireguard-tools`, or `npm run setup:linux`)');
  }
  const kernel = deps.platform === 'linux' && fs.existsSync('/sys/module/wireguard');
  if (kernel) return ok('wireguard', `wg at ${wg}, wg-quick at ${quick}, kernel module loaded`);
  const userspace = find('wireguard-go');
  if (userspace) return ok('wireguard', `wg at ${wg}, wg-quick at ${quick}; no kernel module, wireguard-go fallback at ${userspace}`);
  return fail('wireguard', 'no WireGuard kernel module and no wireguard-go', 'load the kernel module (`sudo modprobe wireguard`) or install wireguard-go');
}

/** sox records the microphone and plays replies; on Windows it is found on PATH or in its Program Files folder. */
function checkSox(deps: DoctorDeps): DoctorCheck {
  const sox = deps.resolveBinary('sox');
  if (sox) return ok('sox', `sox at ${sox} (records the microphone and plays replies)`);
  return fail(
    'sox',
    'sox was not found: the microphone cannot be recorded and replies cannot be spoken',
    deps.platform === 'win32'
      ? 'install SoX for Windows (https://sourceforge.net/projects/sox/, sox-14.4.2-win32.exe); Jett finds sox.exe in "Program Files (x86)\\sox-14-4-2" or on PATH, so no PATH change is needed'
      : 'install sox (Debian/Ubuntu: `sudo apt install sox libsox-fmt-alsa`)',
  );
}

async function checkOllama(deps: DoctorDeps, config: Config | null): Promise<DoctorCheck> {
  if (!config) return warn('ollama', 'skipped: the config is invalid', 'fix the config first');
  const { host, model } = config.ollama;
  const status = await ollamaStatus({ host, fetch: deps.fetch, timeoutMs: 2000 });
  if (!status.running) return fail('ollama', status.failure.message, status.failure.fix);
  if (holdsModel(status.models.map((m) => m.name), model)) return ok('ollama', `Ollama at ${host} has ${model}`);
  return fail('ollama', `Ollama at ${host} does not have ${model}`, `run \`${pullCommand(model)}\`, or set ollama.model`);
}

async function checkOnnx(deps: DoctorDeps): Promise<DoctorCheck> {
  let info: Awaited<ReturnType<DoctorDeps['loadOnnxRuntime']>>;
  try {
    info = await deps.loadOnnxRuntime();
  } catch (err) {
    return fail('onnxruntime', `onnxruntime-node does not load: ${(err as Error).message.split('\n')[0]}`, 'run `npm ci` again; two onnxruntime-node versions in one tree cannot load together');
  }
  const usable = info.backends.filter((b) => b.bundled || (b.name === 'cuda' && cudaInstalled({ platform: deps.platform, arch: process.arch, ...info })));
  const names = usable.map((b) => b.name);
  const detail = `execution providers: ${names.join(', ')}`;
  if (deps.platform === 'win32') {
    return names.includes('dml') ? ok('onnxruntime', detail) : warn('onnxruntime', `${detail}; DirectML missing`, 'reinstall onnxruntime-node (its Windows build carries DirectML)');
  }
  if (deps.platform === 'linux' && !names.includes('cuda')) {
    return warn(
      'onnxruntime',
      `${detail}; CUDA not installed (models run on the CPU)`,
      `with an NVIDIA GPU and a network: \`${CUDA_INSTALL_COMMAND}\` (README: GPU on Linux)`,
    );
  }
  return ok('onnxruntime', detail);
}

function checkModels(deps: DoctorDeps, config: Config | null): DoctorCheck {
  if (!config) return warn('models', 'skipped: the config is invalid', 'fix the config first');
  const dir = deps.modelsDir(config);
  let entries: string[] = [];
  try {
    entries = fs.readdirSync(dir).filter((e) => !e.startsWith('.'));
  } catch {
    return warn('models', `no models folder at ${dir}`, `download the speech models: \`jett models pull ${config.models.stt}\`${config.models.tts ? ` and \`jett models pull ${config.models.tts}\`` : ''} (or set models.dir)`);
  }
  if (entries.length === 0) return warn('models', `the models folder ${dir} is empty`, `download the speech models: \`jett models pull ${config.models.stt}\`${config.models.tts ? ` and \`jett models pull ${config.models.tts}\`` : ''} (or set models.dir)`);
  return ok('models', `${entries.length} entr${entries.length === 1 ? 'y' : 'ies'} in ${dir}: ${entries.slice(0, 5).join(', ')}`);
}

/** Where the Whisper and Kokoro engines will run, by the same choice the engines make, and why. */
async function checkExecutionProvider(deps: DoctorDeps, config: Config | null): Promise<DoctorCheck> {
  const name = 'execution-provider';
  if (!config) return warn(name, 'skipped: the config is invalid', 'fix the config first');
  let info: Awaited<ReturnType<DoctorDeps['loadOnnxRuntime']>>;
  try {
    info = await deps.loadOnnxRuntime();
  } catch {
    return fail(name, 'onnxruntime-node does not load, so the speech models cannot run', 'see the onnxruntime check');
  }
  try {
    const c = chooseExecutionProvider('speech models', config.models.executionProvider, { platform: deps.platform, arch: process.arch, backends: info.backends, libDir: info.libDir });
    if (!c.fallback) return ok(name, `speech models run on ${c.ep} (models.executionProvider ${c.requested}): ${c.reason}`);
    const fix = deps.platform === 'linux' ? `with an NVIDIA GPU: \`${CUDA_INSTALL_COMMAND}\`; or set models.executionProvider to cpu to accept the CPU` : 'set models.executionProvider to cpu to accept the CPU';
    return warn(name, `speech models run on the CPU (fallback from a GPU): ${c.reason}`, fix);
  } catch (err) {
    return fail(name, (err as Error).message, err instanceof JettError ? err.fix : 'set models.executionProvider to auto');
  }
}

export async function runDoctor(deps: DoctorDeps): Promise<DoctorReport> {
  const { check: configCheck, config } = checkConfig(deps);
  const checks: DoctorCheck[] = [
    configCheck,
    await checkSecrets(deps),
    checkWireGuard(deps),
    checkSox(deps),
    await checkOllama(deps, config),
    await checkOnnx(deps),
    checkModels(deps, config),
    await checkExecutionProvider(deps, config),
    ...(deps.vps
      ? await vpsChecks({ ...deps.vps, secrets: deps.secrets }, config)
      : (['tunnel-config', 'tunnel-route', 'postgres', 'heartbeat-webhook'] as const).map((n) => warn(n, 'not run here', 'run `jett doctor`'))),
    await checkHandsFree(config),
  ];
  return { checks };
}
