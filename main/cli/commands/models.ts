// `jett models list|pull|verify|remove`: the Whisper and Kokoro catalogue, resumable downloads with a progress bar,
// checksum verification, removal.
import type { Command } from 'commander';
import { ModelsListOutputSchema, ModelsPullOutputSchema, ModelsVerifyOutputSchema, type ModelDownloadProgress } from '../../core/contracts/models.js';
import { loadCatalogue } from '../../core/voice/models/catalogue.js';
import { ModelManager } from '../../core/voice/models/manager.js';
import { viaAgent } from '../agent-link.js';
import type { CliContext } from '../context.js';

const mb = (n: number) => (n < 1e6 ? `${(n / 1e3).toFixed(1)} kB` : `${(n / 1e6).toFixed(1)} MB`);

/** A bar that redraws in place on a terminal, and prints a line per tenth otherwise (logs, CI). */
function progressPrinter(ctx: CliContext): (p: ModelDownloadProgress) => void {
  const tty = (ctx.stderr as { isTTY?: boolean }).isTTY === true;
  let lastTenth = -1;
  let lastDraw = 0;
  return (p) => {
    const frac = p.totalBytes ? Math.min(1, p.receivedBytes / p.totalBytes) : null;
    const what = p.phase === 'done' ? 'done' : `${p.fileIndex + 1}/${p.fileCount} ${p.file}`;
    const amount = p.totalBytes ? `${mb(p.receivedBytes)} / ${mb(p.totalBytes)}` : mb(p.receivedBytes);
    if (tty) {
      const now = Date.now();
      if (p.phase === 'download' && now - lastDraw < 100) return;
      lastDraw = now;
      const width = 30;
      const bar = frac === null ? '' : `[${'#'.repeat(Math.round(frac * width)).padEnd(width, '.')}] ${(frac * 100).toFixed(0).padStart(3)}% `;
      ctx.stderr.write(`\r${p.name} ${bar}${amount}  ${what}`.padEnd(100).slice(0, 120) + (p.phase === 'done' ? '\n' : ''));
      return;
    }
    // Without a known total, one line per file; with one, a line per tenth.
    const tenth = frac === null ? p.fileIndex : Math.floor(frac * 10);
    if (p.phase === 'done' || tenth > lastTenth) {
      lastTenth = tenth;
      ctx.err(`${p.name}: ${frac === null ? '' : `${(frac * 100).toFixed(0)}% `}${amount} ${what}`);
    }
  };
}

export function registerModels(program: Command, ctx: CliContext): void {
  const manager = (onProgress?: (p: ModelDownloadProgress) => void) => {
    const rt = ctx.runtime();
    const config = rt.config.load();
    return new ModelManager({
      dir: config.models.dir || rt.paths.models,
      catalogue: loadCatalogue(),
      ...(ctx.env.HF_ENDPOINT ? { baseUrl: ctx.env.HF_ENDPOINT } : {}),
      ...(onProgress ? { onProgress } : {}),
    });
  };

  const models = program.command('models').description('speech models: list the catalogue, pull (download), verify, remove');

  models
    .command('list')
    .description('the Whisper and Kokoro models Jett knows, with sizes, checksums and what is installed')
    .option('--json', 'print {"dir","models":[{name,task,revision,pinned,verified,bytes,state,files}]}')
    .action((opts: { json?: boolean }) => {
      const m = manager();
      const out = ModelsListOutputSchema.parse({ dir: m.dir, models: m.list() });
      if (opts.json) return ctx.out(JSON.stringify(out));
      ctx.out(`models folder: ${out.dir}`);
      for (const e of out.models) {
        const size = `${e.bytesExact ? '' : '~'}${mb(e.bytes)}`;
        const rev = e.revision ? `rev ${e.revision.slice(0, 12)}${e.pinned ? '' : ' (resolved at pull)'}` : 'UNPINNED (main)';
        const sums = e.verified ? 'sha256 from catalogue' : 'UNVERIFIED (the first pull records sha256)';
        ctx.out(`${e.name.padEnd(16)} ${e.task} ${e.languages.padEnd(5)} ${size.padStart(10)}  ${e.state.padEnd(13)} ${rev}  ${sums}`);
        for (const f of e.files) ctx.out(`    ${f.path.padEnd(32)} ${(f.bytes === null ? '?' : mb(f.bytes)).padStart(10)}  ${f.sha256 ?? 'unverified'}`);
      }
    });

  models
    .command('pull <name>')
    .description('download a model (resumes an interrupted download; checks sizes and sha256; installs atomically)')
    .option('--force', 'download again even when installed')
    .option('--json', 'print {"name","dir","revision","bytes","downloadedBytes","resumedBytes","alreadyInstalled"}')
    .action(async (name: string, opts: { force?: boolean; json?: boolean }) => {
      const res = ModelsPullOutputSchema.parse(await manager(progressPrinter(ctx)).pull(name, { force: opts.force ?? false }));
      // A running agent's voice reads the models folder only when it is built: it is rebuilt now, without a restart.
      if (!res.alreadyInstalled && (await viaAgent(ctx, (a) => a.call('config.reload', { refresh: ['speechModels'] })))) ctx.err('the running agent rebuilt voice with it');
      if (opts.json) return ctx.out(JSON.stringify(res));
      if (res.alreadyInstalled) return ctx.out(`${name} is already installed in ${res.dir} (--force downloads it again)`);
      ctx.out(`${name} installed in ${res.dir}: ${mb(res.bytes)}, revision ${res.revision ?? 'unknown (the server did not say)'}${res.resumedBytes ? `, ${mb(res.resumedBytes)} resumed` : ''}`);
    });

  models
    .command('verify [name]')
    .description('check installed files against the sha256 of the catalogue and of the first download (all installed models without a name)')
    .option('--json', 'print {"results":[{name,ok,catalogueChecked,revision,problems}]}')
    .action(async (name: string | undefined, opts: { json?: boolean }) => {
      const m = manager();
      const names = name ? [name] : m.list().filter((e) => e.state === 'installed').map((e) => e.name);
      const results = [];
      for (const n of names) results.push(await m.verify(n));
      const out = ModelsVerifyOutputSchema.parse({ results });
      if (results.some((r) => !r.ok)) ctx.exitCode = 1;
      if (opts.json) return ctx.out(JSON.stringify(out));
      if (results.length === 0) return ctx.out(`no models installed in ${m.dir} (\`jett models pull whisper-base\`)`);
      for (const r of results) {
        ctx.out(`${r.ok ? 'ok  ' : 'FAIL'} ${r.name} (revision ${r.revision ?? 'unknown'}; ${r.catalogueChecked ? 'checked against the catalogue' : 'checked against the sha256 recorded at the first download'})`);
        for (const p of r.problems) ctx.out(`     ${p.path}: ${p.problem}: ${p.detail}`);
        if (!r.ok) ctx.out(`     fix: \`jett models pull ${r.name} --force\``);
      }
    });

  models
    .command('remove <name>')
    .description('delete an installed model and any partial download of it')
    .option('--json', 'print {"name","removed"}')
    .action(async (name: string, opts: { json?: boolean }) => {
      const { removed } = manager().remove(name);
      // A running agent's voice would keep using (or fail on) the removed files until rebuilt: it is told now.
      if (removed && (await viaAgent(ctx, (a) => a.call('config.reload', { refresh: ['speechModels'] })))) ctx.err('the running agent rebuilt voice without it');
      if (opts.json) return ctx.out(JSON.stringify({ name, removed }));
      ctx.out(removed ? `${name} removed` : `${name} was not installed`);
    });
}
