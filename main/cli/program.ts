// The `jett` command tree. Each command's module is loaded only when that command runs: `jett --help` and
// `jett config get` must not pay for onnxruntime, transformers.js, pg or the VPS generator.
import { Command, CommanderError } from 'commander';
import { formatError, JettError } from '../core/errors.js';
import { APP_VERSION } from '../core/version.js';
import { createContext, type CliContext, type CliIo, type OpenRuntime } from './context.js';

type Register = (program: Command, ctx: CliContext) => void;

/** One top-level command: its name and `--help` line, and the module that registers it (loaded on use). */
export interface CommandEntry {
  name: string;
  description: string;
  hidden?: boolean;
  load: () => Promise<Register>;
}

// Adding a command is one line here; a test checks that each description matches what its module registers.
export const COMMANDS: CommandEntry[] = [
  { name: 'config', description: 'show or change settings (stored in JETT_HOME/config.json)', load: async () => (await import('./commands/config.js')).registerConfig },
  { name: 'secret', description: 'store secrets in the one store the tray app and `jett agent` share: the OS keyring, or JETT_HOME/secrets.json (mode 0600) where no keyring answers (`jett doctor` says which and why)', load: async () => (await import('./commands/secret.js')).registerSecret },
  { name: 'doctor', description: 'check config, secrets, WireGuard, sox, Ollama, onnxruntime, models, and the way to the VPS (tunnel settings, route, PostgreSQL, n8n webhook)', load: async () => (await import('./commands/doctor.js')).registerDoctor },
  { name: 'agent', description: 'run the headless agent in the foreground (Ctrl-C to stop)', load: async () => (await import('./commands/agent.js')).registerAgent },
  { name: 'status', description: "the running agent's tunnel, outbox, inbox, heartbeat and voice state (exit 1 when none runs)", load: async () => (await import('./commands/status.js')).registerStatus },
  { name: 'keys', description: "the desktop's WireGuard keys (the private key stays in the secret store)", load: async () => (await import('./commands/keys.js')).registerKeys },
  { name: 'tunnel', description: 'the WireGuard tunnel to the VPS: peer, import, config, up, down, status, watch, install, uninstall', load: async () => (await import('./commands/tunnel.js')).registerTunnel },
  { name: 'vps', description: 'the VPS side: n8n, PostgreSQL, Qdrant and Portainer behind WireGuard', load: async () => (await import('./commands/vps.js')).registerVps },
  { name: 'audit', description: 'check the VPS stack: a compose file, or the running system from the desktop', load: async () => (await import('./commands/audit.js')).registerAudit },
  { name: 'outbox', description: 'the local outbox of events bound for the VPS', load: async () => (await import('./commands/outbox.js')).registerOutbox },
  { name: 'sync', description: 'exchange data with the VPS database', load: async () => (await import('./commands/sync.js')).registerSync },
  { name: 'voice', description: 'run one voice turn from a file (--input), listen to the microphone (listen), list microphones (devices), or past turns (history)', load: async () => (await import('./commands/voice.js')).registerVoice },
  { name: 'models', description: 'speech models: list the catalogue, pull (download), verify, remove', load: async () => (await import('./commands/models.js')).registerModels },
  { name: 'memory', description: 'what Jett remembers: list, search, forget (here and on the VPS), export', load: async () => (await import('./commands/memory.js')).registerMemory },
  { name: 'ollama', description: 'the local Ollama server (the LLM): is it running, which models it holds, pull one', load: async () => (await import('./commands/ollama.js')).registerOllama },
  { name: 'uninstall', description: 'remove Jett from this computer: the tunnel setup, the login item and every stored secret; keep or delete JETT_HOME', load: async () => (await import('./commands/uninstall.js')).registerUninstall },
  { name: 'demo', description: 'Linux, root: build a desktop and a VPS in network namespaces and show the offline round trip', load: async () => (await import('./commands/demo.js')).registerDemo },
  { name: 'demo-receiver', description: '', hidden: true, load: async () => (await import('./commands/demo.js')).registerDemo },
];

/** The command that ARGV runs (`jett help NAME` asks for NAME's help), or undefined for the root's own help and version. */
function chosen(argv: string[]): CommandEntry | undefined {
  const operands = argv.filter((a) => !a.startsWith('-'));
  const name = operands[0] === 'help' ? operands[1] : operands[0];
  return COMMANDS.find((c) => c.name === name);
}

/**
 * The program with the chosen commands' modules registered (all of them with `all`) and a light stand-in for each
 * other command, so the root's help, its suggestions and its "unknown command" still know every name.
 */
export async function buildProgram(ctx: CliContext, use: { argv: string[] } | { all: true }): Promise<Command> {
  const program = new Command('jett')
    .description('Jett desktop agent: tunnel, outbox sync, voice and VPS tools')
    .version(APP_VERSION)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => void ctx.stdout.write(s),
      writeErr: (s) => void ctx.stderr.write(s),
    })
    .showHelpAfterError('(run `jett --help` for usage)');
  const wanted = 'all' in use ? COMMANDS : [chosen(use.argv)].filter((c) => c !== undefined);
  const registered = new Set<Register>();
  for (const entry of wanted) {
    const register = await entry.load();
    // One module may register several commands (demo and demo-receiver).
    if (!registered.has(register)) register(program, ctx);
    registered.add(register);
  }
  const names = new Set(program.commands.map((c) => c.name()));
  for (const entry of COMMANDS) {
    if (!names.has(entry.name)) program.command(entry.name, { hidden: entry.hidden }).description(entry.description);
  }
  // Subcommands inherit the error handling and output streams of the root.
  for (const cmd of program.commands) cmd.exitOverride().configureOutput(program.configureOutput());
  return program;
}

/** Runs `jett ARGS` and returns the exit code: 0 ok, 1 a failure with its fix printed, 2 bad usage. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  // Without a command (the root's help, its version, an unknown name) nothing opens the runtime: skip loading it.
  const open: OpenRuntime = chosen(argv) ? (await import('../core/runtime.js')).openRuntime : () => {
    throw new Error('jett opened the runtime without a command');
  };
  const ctx = createContext(io, open);
  try {
    const program = await buildProgram(ctx, { argv });
    await program.parseAsync(argv, { from: 'user' });
    return ctx.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? 0 : 2;
    }
    ctx.err(formatError(err));
    if (!(err instanceof JettError)) ctx.err('  fix: this is a bug in Jett; the log in JETT_HOME/logs has details');
    return err instanceof JettError && err.name === 'UsageError' ? 2 : 1;
  }
}
