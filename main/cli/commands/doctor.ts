// `jett doctor [--json]`: checks what the desktop needs, one line per check with the fix.
import os from 'node:os';
import type { Command } from 'commander';
import type { HeartbeatBody } from '../../core/contracts/heartbeat.js';
import { openLocalDb } from '../../core/db/local-db.js';
import { runDoctor } from '../../core/doctor/checks.js';
import { Outbox } from '../../core/outbox/store.js';
import type { Runtime } from '../../core/runtime.js';
import { routeLookupFor } from '../../core/tunnel/route-lookup.js';
import { execaRunner } from '../../core/tunnel/runner.js';
import { APP_VERSION } from '../../core/version.js';
import { resolveBinary } from '../../core/process/binaries.js';
import { privilegedResolver } from '../../core/tunnel/control.js';
import { loadOrtEnvironment } from '../../core/voice/models/ort-environment.js';
import type { CliContext } from '../context.js';

/** The test beat: this desktop's id and outbox counts from the local database, as the agent would send them. */
function doctorHeartbeat(rt: Runtime): HeartbeatBody {
  const local = openLocalDb(rt.paths.database);
  try {
    const c = new Outbox(local).counts();
    return {
      client_id: local.clientId,
      device: os.hostname(),
      app_version: APP_VERSION,
      interval_s: rt.config.load().heartbeat.intervalS,
      sent_at: new Date().toISOString(),
      // Sent only once the route goes through the tunnel; voice is not known outside the agent.
      tunnel: { state: 'up', handshake_age_s: null, rx_bytes: null, tx_bytes: null },
      outbox: { pending: c.pending, oldest_pending_age_s: c.oldestPendingAgeS, dead: c.dead },
      voice: { state: 'off' },
    };
  } finally {
    local.close();
  }
}

export function registerDoctor(program: Command, ctx: CliContext): void {
  program
    .command('doctor')
    .description('check config, secrets, WireGuard, sox, Ollama, onnxruntime, models, and the way to the VPS (tunnel settings, route, PostgreSQL, n8n webhook)')
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
        vps: { routeLookup: routeLookupFor(process.platform, execaRunner, ctx.env), heartbeatBody: () => doctorHeartbeat(rt) },
      });
      if (report.checks.some((c) => c.status === 'fail')) ctx.exitCode = 1;
      if (opts.json) return ctx.out(JSON.stringify(report));
      for (const c of report.checks) {
        ctx.out(`${c.status.padEnd(4)} ${c.name.padEnd(17)} ${c.detail}`);
        if (c.fix) ctx.out(`     ${''.padEnd(17)} fix: ${c.fix}`);
      }
    });
}
