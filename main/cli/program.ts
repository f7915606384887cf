// The `jett` command tree: each area registers its commands here.
import { Command, CommanderError } from 'commander';
import { formatError, JettError } from '../core/errors.js';
import { APP_VERSION } from '../core/version.js';
import { registerAgent } from './commands/agent.js';
import { registerKeys } from './commands/keys.js';
import { registerTunnel } from './commands/tunnel.js';
import { registerAudit } from './commands/audit.js';
import { registerConfig } from './commands/config.js';
import { registerDoctor } from './commands/doctor.js';
import { registerSecret } from './commands/secret.js';
import { registerVps } from './commands/vps.js';
import { registerOutbox } from './commands/outbox.js';
import { registerSync } from './commands/sync.js';
import { registerModels } from './commands/models.js';
import { registerOllama } from './commands/ollama.js';
import { registerVoice } from './commands/voice.js';
import { registerDemo } from './commands/demo.js';
import { registerStatus } from './commands/status.js';
import { registerUninstall } from './commands/uninstall.js';
import { createContext, type CliIo } from './context.js';

export function buildProgram(ctx: ReturnType<typeof createContext>): Command {
  const program = new Command('jett')
    .description('Jett desktop agent: tunnel, outbox sync, voice and VPS tools')
    .version(APP_VERSION)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => void ctx.stdout.write(s),
      writeErr: (s) => void ctx.stderr.write(s),
    })
    .showHelpAfterError('(run `jett --help` for usage)');
  registerConfig(program, ctx);
  registerSecret(program, ctx);
  registerDoctor(program, ctx);
  registerAgent(program, ctx);
  registerStatus(program, ctx);
  registerKeys(program, ctx);
  registerTunnel(program, ctx);
  registerVps(program, ctx);
  registerAudit(program, ctx);
  registerOutbox(program, ctx);
  registerSync(program, ctx);
  registerVoice(program, ctx);
  registerModels(program, ctx);
  registerOllama(program, ctx);
  registerDemo(program, ctx);
  registerUninstall(program, ctx);
  // Subcommands inherit the error handling and output streams of the root.
  for (const cmd of program.commands) cmd.exitOverride().configureOutput(program.configureOutput());
  return program;
}

/** Runs `jett ARGS` and returns the exit code: 0 ok, 1 a failure with its fix printed, 2 bad usage. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const ctx = createContext(io);
  const program = buildProgram(ctx);
  try {
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
