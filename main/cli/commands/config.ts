// `jett config path|list|get|set`: read and change config.json by dotted key.
import type { Command } from 'commander';
import { CONFIG_DOCS, CONFIG_KEYS } from '../../core/contracts/config.js';
import { getKey, isConfigKey } from '../../core/config/store.js';
import { UsageError } from '../../core/errors.js';
import { settingsSaved } from '../agent-link.js';
import type { CliContext } from '../context.js';

export function registerConfig(program: Command, ctx: CliContext): void {
  const config = program.command('config').description('show or change settings (stored in JETT_HOME/config.json)');

  config
    .command('path')
    .description('print the config file path')
    .action(() => ctx.out(ctx.runtime().paths.config));

  config
    .command('list')
    .description('print every key with its current value')
    .option('--json', 'print the whole config as JSON')
    .action((opts: { json?: boolean }) => {
      const current = ctx.runtime().config.load();
      if (opts.json) return ctx.out(JSON.stringify(current));
      for (const key of CONFIG_KEYS) ctx.out(`${key} = ${JSON.stringify(getKey(current, key))}    # ${CONFIG_DOCS[key]}`);
    });

  config
    .command('get')
    .argument('<key>', 'dotted key, e.g. tunnel.keepalive')
    .description('print one value')
    .action((key: string) => {
      if (!isConfigKey(key)) throw new UsageError(`unknown config key ${JSON.stringify(key)}`, 'run `jett config list` to see the known keys');
      const value = getKey(ctx.runtime().config.load(), key);
      ctx.out(typeof value === 'string' ? value : JSON.stringify(value));
    });

  config
    .command('set')
    .argument('<key>', 'dotted key, e.g. voice.silenceMs')
    .argument('<value>', 'new value')
    .description('change one value (validated, written atomically)')
    .action(async (key: string, value: string) => {
      const next = ctx.runtime().config.set(key, value);
      ctx.out(`${key} = ${JSON.stringify(isConfigKey(key) ? getKey(next, key) : value)}`);
      await settingsSaved(ctx, { tunnel: key.startsWith('tunnel.') });
    });
}
