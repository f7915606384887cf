// `jett doctor [--json]`: checks what the desktop needs, one line per check with the fix.
import type { Command } from 'commander';
import { runDoctor } from '../../core/doctor/checks.js';
import { resolveBinary } from '../../core/process/binaries.js';
import { privilegedResolver } from '../../core/tunnel/control.js';
import { loadOrtEnvironment } from '../../core/voice/models/ort-environment.js';
import type { CliContext } from '../context.js';

export function registerDoctor(program: Command, ctx: CliContext): void {
  program
    .command('doctor')
    .description('check config, secrets, WireGuard, sox, Ollama, onnxruntime and models')
    .option('--json', 'print {"checks":[{"name","status","detail","fix"}]}')
    .action(async (opts: { json?: boolean }) => {
      const rt = ctx.runtime();
      const report = await runDoctor({
        platform: process.platform,
        loadConfig: () => rt.config.load(),
        configFile: rt.paths.config,
        secrets: rt.secrets,
        resolveBinary: (name) => resolveBinary(name, { env: ctx.env }),
        resolvePrivileged: privilegedResolver(process.platform, ctx.env),
        fetch: globalThis.fetch,
        loadOnnxRuntime: loadOrtEnvironment,
        modelsDir: (config) => config.models.dir || rt.paths.models,
      });
      if (report.checks.some((c) => c.status === 'fail')) ctx.exitCode = 1;
      if (opts.json) return ctx.out(JSON.stringify(report));
      for (const c of report.checks) {
        ctx.out(`${c.status.padEnd(4)} ${c.name.padEnd(12)} ${c.detail}`);
        if (c.fix) ctx.out(`     ${''.padEnd(12)} fix: ${c.fix}`);
      }
    });
}
