// `jett secret set|list`: secrets are read from stdin (never argv) and listed by name only.
import type { Command } from 'commander';
import { SecretNameSchema } from '../../core/contracts/secrets.js';
import { UsageError } from '../../core/errors.js';
import { settingsSaved } from '../agent-link.js';
import { readAllStdin, type CliContext } from '../context.js';

export function registerSecret(program: Command, ctx: CliContext): void {
  // Where the secrets are, said where users look: the one store the tray app shares.
  const secret = program
    .command('secret')
    .description('store secrets in the one store the tray app and `jett agent` share: the OS keyring, or JETT_HOME/secrets.json (mode 0600) where no keyring answers (`jett doctor` says which and why)');

  secret
    .command('set')
    .argument('<name>', 'secret name, e.g. postgres.password')
    .description('read the value from standard input and store it')
    .action(async (name: string) => {
      const parsed = SecretNameSchema.safeParse(name);
      if (!parsed.success) throw new UsageError(`unknown secret ${JSON.stringify(name)}`, parsed.error.issues[0]!.message);
      // One trailing newline comes from `echo` or a terminal; the secret itself never ends in one.
      const value = (await readAllStdin(ctx.stdin)).replace(/\r?\n$/, '');
      if (!value) throw new UsageError(`no value on standard input for ${name}`, `pipe it in: \`jett secret set ${name} < file\``);
      await ctx.runtime().secrets.set(parsed.data, value);
      ctx.out(`${name} stored (${ctx.runtime().secrets.kind} store)`);
      await settingsSaved(ctx, { secrets: [parsed.data], tunnel: parsed.data.startsWith('tunnel.') });
    });

  secret
    .command('list')
    .description('print the names of the secrets that are set')
    .option('--json', 'print {"names":[...]}')
    .action(async (opts: { json?: boolean }) => {
      const names = await ctx.runtime().secrets.list();
      if (opts.json) return ctx.out(JSON.stringify({ names }));
      for (const n of names) ctx.out(n);
    });
}
