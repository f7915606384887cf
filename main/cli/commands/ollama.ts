// `jett ollama status|pull`: the local Ollama server behind the voice pipeline, through core/ollama/server.ts (the
// same status and pull the Models tab and `jett doctor` use).
import type { Command } from 'commander';
import type { OllamaPullOutput, OllamaStatusOutput } from '../../core/contracts/models.js';
import { holdsModel, ollamaStatus, pullOllamaModel, type OllamaPullProgress } from '../../core/ollama/server.js';
import type { CliContext } from '../context.js';

const gb = (n: number) => `${(n / 1e9).toFixed(2)} GB`;

/** One line per new status, and per tenth of a download: readable in a terminal and in a log alike. */
function progressLines(ctx: CliContext): (p: OllamaPullProgress) => void {
  let last = '';
  return (p) => {
    const tenth = p.totalBytes && p.completedBytes !== null ? Math.floor((p.completedBytes / p.totalBytes) * 10) : null;
    const key = `${p.status} ${tenth ?? ''}`;
    if (key === last) return;
    last = key;
    ctx.err(tenth === null ? p.status : `${p.status}: ${tenth * 10}% of ${gb(p.totalBytes!)}`);
  };
}

export function registerOllama(program: Command, ctx: CliContext): void {
  const ollama = program.command('ollama').description('the local Ollama server (the LLM): is it running, which models it holds, pull one');
  const settings = () => ctx.runtime().config.load().ollama;

  ollama
    .command('status')
    .description('whether Ollama answers at ollama.host and which models it holds (exit 1 unless it holds ollama.model)')
    .option('--json', 'print {"host","running","models":[{name,sizeBytes}],"model","hasModel","error"}')
    .action(async (opts: { json?: boolean }) => {
      const { host, model } = settings();
      const status = await ollamaStatus({ host, timeoutMs: 5000 });
      const out: OllamaStatusOutput = status.running
        ? { host, running: true, models: status.models, model, hasModel: holdsModel(status.models.map((m) => m.name), model), error: null }
        : { host, running: false, models: [], model, hasModel: false, error: { message: status.failure.message, fix: status.failure.fix } };
      if (!out.hasModel) ctx.exitCode = 1;
      if (opts.json) return ctx.out(JSON.stringify(out));
      if (out.error) return ctx.out(`${out.error.message}\n  fix: ${out.error.fix}`);
      ctx.out(`Ollama at ${host}: ${out.models.length} model(s)`);
      for (const m of out.models) ctx.out(`  ${m.name.padEnd(28)} ${m.sizeBytes === null ? '?' : gb(m.sizeBytes)}${holdsModel([m.name], model) ? '  (ollama.model)' : ''}`);
      if (!out.hasModel) ctx.out(`ollama.model ${model} is not pulled\n  fix: \`jett ollama pull ${model}\`, or set ollama.model`);
    });

  ollama
    .command('pull [model]')
    .description('pull a model into Ollama (default: ollama.model), with progress on stderr')
    .option('--json', 'print {"host","model","pulled"}')
    .action(async (name: string | undefined, opts: { json?: boolean }) => {
      const { host, model: configured } = settings();
      const model = name ?? configured;
      await pullOllamaModel({ host }, model, progressLines(ctx));
      const out: OllamaPullOutput = { host, model, pulled: true };
      ctx.out(opts.json ? JSON.stringify(out) : `${model} pulled into Ollama at ${host}`);
    });
}
