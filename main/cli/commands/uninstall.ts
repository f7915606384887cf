// `jett uninstall`: removes what Jett added to this computer (the tunnel setup, the login item, every stored secret)
// and keeps or deletes JETT_HOME as the user says: --keep-data, --delete-data, or a question on a terminal.
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { jettDataHome, jettHome, jettPaths } from '../../core/config/paths.js';
import { ConfigStore, DEFAULT_CONFIG } from '../../core/config/store.js';
import type { UninstallResult } from '../../core/contracts/uninstall.js';
import { errorMessage, UsageError } from '../../core/errors.js';
import { systemUninstallDeps } from '../../core/uninstall/system.js';
import { uninstall } from '../../core/uninstall/uninstall.js';
import type { CliContext } from '../context.js';

const isTty = (s: unknown): boolean => (s as { isTTY?: boolean }).isTTY === true;

/** Asks whether to delete the data; anything but "delete" keeps it. */
export async function askDeleteData(ctx: CliContext, dirs: string[]): Promise<boolean> {
  const rl = createInterface({ input: ctx.stdin, output: ctx.stdout });
  try {
    ctx.out(`Jett keeps its config, database, logs and speech models in ${[...new Set(dirs)].join(' and ')}.`);
    const answer = await rl.question('Type "delete" to delete them too, or press Enter to keep them: ');
    return answer.trim().toLowerCase() === 'delete';
  } finally {
    rl.close();
  }
}

function print(ctx: CliContext, r: UninstallResult): void {
  for (const x of r.removed) ctx.out(`removed ${x}`);
  if (r.dataKept) ctx.out(`kept ${r.home} (your config, database, logs and models; delete it with \`jett uninstall --delete-data\`)`);
  for (const l of r.left) ctx.out(`left: ${l.what}\n  fix: ${l.fix}`);
  if (r.left.length === 0) ctx.out(r.removed.length === 0 && r.dataKept ? 'nothing of Jett was left to remove' : 'Jett is removed from this computer');
}

export function registerUninstall(program: Command, ctx: CliContext): void {
  program
    .command('uninstall')
    .description('remove Jett from this computer: the tunnel setup, the login item and every stored secret; keep or delete JETT_HOME')
    .option('--delete-data', 'also delete JETT_HOME (config, database, logs, speech models)')
    .option('--keep-data', 'keep JETT_HOME')
    .option('--json', 'print {"home","removed","left","dataKept"}')
    .action(async (opts: { deleteData?: boolean; keepData?: boolean; json?: boolean }) => {
      if (opts.deleteData && opts.keepData) throw new UsageError('--delete-data and --keep-data contradict each other', 'choose one');
      const platform = process.platform;
      const home = jettHome(ctx.env, platform);
      const dataHome = jettDataHome(ctx.env, platform);
      let deleteData = opts.deleteData === true;
      if (!opts.deleteData && !opts.keepData) {
        if (opts.json || !isTty(ctx.stdin) || !isTty(ctx.stdout)) {
          throw new UsageError('say what happens to JETT_HOME: nothing is deleted without being asked', 'run `jett uninstall --keep-data` or `jett uninstall --delete-data`');
        }
        deleteData = await askDeleteData(ctx, [home, dataHome]);
      }
      // Read only: the runtime is not opened, so nothing new is written into a folder about to go. A broken config
      // must not keep Jett on the computer: the default interface name is what the install used then.
      let settings = DEFAULT_CONFIG.tunnel;
      try {
        settings = new ConfigStore(jettPaths(home, platform).config).load().tunnel;
      } catch (err) {
        ctx.err(`warning: ${errorMessage(err)}; using the default interface name ${settings.interface}`);
      }
      const deps = systemUninstallDeps({
        env: ctx.env,
        platform,
        home,
        dataHome,
        settings,
        isRoot: process.getuid?.() === 0,
        program: process.execPath,
        programArgs: process.argv.slice(1, 2),
      });
      const result = await uninstall({ deleteData }, deps);
      if (result.left.length > 0) ctx.exitCode = 1;
      if (opts.json) return ctx.out(JSON.stringify(result));
      print(ctx, result);
    });
}
