// `jett audit compose FILE` and `jett audit live`: the VPS stack's hardening, on paper and on the running system.
import type { Command } from 'commander';
import type { ComposeAuditReport, LiveAuditReport } from '../../core/contracts/vps.js';
import { UsageError } from '../../core/errors.js';
import { auditComposeFile } from '../../core/vps/audit-compose.js';
import { runLiveAudit } from '../../core/vps/live-audit-run.js';
import type { CliContext } from '../context.js';

function printCompose(ctx: CliContext, r: ComposeAuditReport): void {
  for (const f of r.findings) {
    ctx.out(`${f.severity.padEnd(6)} ${r.file}:${f.line} ${f.service ?? '(file)'}: ${f.rule}: ${f.message}`);
    // An accepted finding keeps its severity; the reason recorded in the file is shown beside it.
    ctx.out(f.accepted === null ? `       fix: ${f.fix}` : `       accepted (x-jett-accept): ${f.accepted}`);
  }
  const { high, medium, low, accepted } = r.counts;
  const acceptedText = accepted ? `, ${accepted} accepted` : '';
  ctx.out(high + medium + low === 0 ? `${r.file}: ${r.services.length} services, no open findings${acceptedText}` : `${r.file}: ${high} high, ${medium} medium, ${low} low${acceptedText}`);
}

function printLive(ctx: CliContext, r: LiveAuditReport): void {
  for (const c of r.checks) {
    ctx.out(`${c.status.padEnd(7)} ${c.name}: ${c.detail}`);
    if (c.fix) ctx.out(`        fix: ${c.fix}`);
  }
  ctx.out(r.passed ? 'live audit passed' : 'live audit FAILED');
}

function positiveInt(text: string, flag: string): number {
  if (!/^\d{1,6}$/.test(text) || Number(text) < 1) throw new UsageError(`${flag} ${JSON.stringify(text)} is not a positive whole number`, `e.g. ${flag} 2000`);
  return Number(text);
}

export function registerAudit(program: Command, ctx: CliContext): void {
  const audit = program.command('audit').description('check the VPS stack: a compose file, or the running system from the desktop');

  audit
    .command('compose')
    .argument('<file>', 'a docker-compose.yml, e.g. the bundle\'s')
    .description('check each service against the hardening rules; exit 1 when an open (not x-jett-accept-ed) high finding remains')
    .option('--tunnel-address <ip>', 'the address ports must be bound to (default: tunnel.peerAddress)')
    .option('--json', 'print {"file","tunnelAddress","services","findings":[{"service","rule","severity","line","message","fix","accepted"}],"counts"}')
    .action((file: string, opts: { json?: boolean; tunnelAddress?: string }) => {
      const tunnelAddress = opts.tunnelAddress ?? ctx.runtime().config.load().tunnel.peerAddress;
      const report = auditComposeFile(file, { tunnelAddress });
      if (report.counts.high > 0) ctx.exitCode = 1;
      if (opts.json) return ctx.out(JSON.stringify(report));
      printCompose(ctx, report);
    });

  audit
    .command('live')
    .description('from the desktop: services answer on the tunnel address, none on the public one, the handshake is fresh')
    .option('--public-address <host>', "the VPS's public address (default: the host of tunnel.endpoint)")
    .option('--tunnel-address <ip>', 'the VPS tunnel address (default: tunnel.peerAddress)')
    .option('--interface <name>', 'the desktop WireGuard interface (default: tunnel.interface)')
    .option('--timeout-ms <n>', 'how long each TCP connect may take', '2000')
    .option('--json', 'print {"tunnelAddress","publicAddress","interface","checks":[{"kind","name","status","detail","fix"}],"passed"}')
    .action(async (opts: { json?: boolean; publicAddress?: string; tunnelAddress?: string; interface?: string; timeoutMs: string }) => {
      const rt = ctx.runtime();
      const report = await runLiveAudit({
        tunnel: rt.config.load().tunnel,
        home: rt.paths.home,
        timeoutMs: positiveInt(opts.timeoutMs, '--timeout-ms'),
        ...(opts.publicAddress === undefined ? {} : { publicAddress: opts.publicAddress }),
        ...(opts.tunnelAddress === undefined ? {} : { tunnelAddress: opts.tunnelAddress }),
        ...(opts.interface === undefined ? {} : { iface: opts.interface }),
      });
      if (!report.passed) ctx.exitCode = 1;
      if (opts.json) return ctx.out(JSON.stringify(report));
      printLive(ctx, report);
    });
}
