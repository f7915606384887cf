// `jett demo`: builds the desktop and the VPS on this Linux machine and shows the offline round trip working.
import type { Command } from 'commander';
import { z } from 'zod';
import { DemoResultSchema, demoMisses, type DemoResult } from '../../harness/demo/result.js';
import { runDemo } from '../../harness/demo/run.js';
import { startReceiver } from '../../harness/demo/receiver.js';
import { UsageError } from '../../core/errors.js';
import type { CliContext } from '../context.js';
import { untilSignal } from '../stop-signal.js';

const N8nChoiceSchema = z.enum(['auto', 'real', 'stand-in']);

const ReceiverEnvSchema = z.object({
  host: z.string(),
  port: z.number().int(),
  token: z.string().nullable(),
  detectorEveryMs: z.number().int().positive(),
  db: z.object({ host: z.string(), port: z.number().int(), user: z.string(), password: z.string(), database: z.string() }),
});

const INTRO = [
  'Jett demo: a desktop and a VPS on this machine, in two network namespaces joined by a virtual cable.',
  'The VPS runs WireGuard, PostgreSQL and n8n with the bundle\'s workflows (a stand-in that calls the same SQL when',
  'n8n is not installed); the desktop runs the real Jett agent, which brings up its side of the tunnel, writes events',
  'to its outbox and syncs them to the VPS.',
  'Then the cable is cut: events pile up on the desktop, the VPS notices the missing heartbeats and marks the',
  'desktop offline, and queues a request for it. The cable comes back: the backlog drains by itself, the request',
  'is delivered and answered, and every event is checked to be on the VPS exactly once. Meanwhile every packet that',
  'leaves the desktop other than the tunnel\'s is counted: there must be none. Everything is removed after.',
  '',
];

function summary(r: DemoResult): string[] {
  const missed = demoMisses(r);
  return [
    '',
    `Summary: ${missed.length === 0 ? 'everything arrived, exactly once, in order, and nothing went around the tunnel' : `SOMETHING WENT WRONG: ${missed.join('; ')}`}`,
    `  events sent ${r.events_sent}, on the VPS ${r.events_on_vps}: lost ${r.lost}, duplicated ${r.duplicated}, out of order ${r.reordered}`,
    `  link cut for ${r.cut_s} s; the VPS marked the desktop offline after ${r.offline_detected_s ?? '-'} s (heartbeat every ${r.heartbeat_s} s, offline after 3 missed)`,
    `  after the link came back: backlog drained and the queued request delivered in ${r.resync_s ?? '-'} s; request answered: ${r.inbox_answered ? 'yes' : 'no'}`,
    `  packets that left the desktop other than the tunnel's: ${r.egress_other_packets}; the VPS's automations ran in ${r.n8n === 'real' ? 'n8n' : 'the stand-in'}`,
  ];
}

export function registerDemo(program: Command, ctx: CliContext): void {
  program
    .command('demo')
    .description('Linux, root: build a desktop and a VPS in network namespaces and show the offline round trip')
    .option('--ci', 'unattended, with the timings CI uses')
    .option('--json', 'print the result as one JSON object on the last line')
    .option('--heartbeat <seconds>', 'heartbeat period (also the offline detector\'s)', (v) => Number(v), 2)
    .option('--n8n <which>', 'auto (n8n when `npm run setup:n8n` installed it), real or stand-in', 'auto')
    .action(async (opts: { ci?: boolean; json?: boolean; heartbeat: number; n8n: string }) => {
      if (!Number.isInteger(opts.heartbeat) || opts.heartbeat < 1 || opts.heartbeat > 30) {
        throw new UsageError(`--heartbeat ${opts.heartbeat}: expected whole seconds from 1 to 30`, 'e.g. --heartbeat 2');
      }
      const n8n = N8nChoiceSchema.safeParse(opts.n8n);
      if (!n8n.success) throw new UsageError(`--n8n ${opts.n8n}: expected auto, real or stand-in`, 'e.g. --n8n real');
      if (!opts.ci) for (const line of INTRO) ctx.out(line);
      const abort = new AbortController();
      void untilSignal().then(() => abort.abort());
      const result = await runDemo({
        heartbeatS: opts.heartbeat,
        eventsPerSecond: 200,
        minBacklog: 1000,
        n8n: n8n.data,
        say: (line) => ctx.out(line),
        signal: abort.signal,
      });
      for (const line of summary(result)) ctx.out(line);
      if (opts.json) ctx.out(JSON.stringify(DemoResultSchema.parse(result)));
      if (demoMisses(result).length > 0) ctx.exitCode = 1;
      // The signal listener keeps nothing alive, but the process may hold sockets a moment longer: leave now.
      process.exitCode = ctx.exitCode;
    });

  // Runs inside the VPS namespace for the demo; not for users, so it is not in --help.
  program
    .command('demo-receiver', { hidden: true })
    .action(async () => {
      const env = ReceiverEnvSchema.parse(JSON.parse(ctx.env.JETT_DEMO_RECEIVER ?? 'null'));
      const stopped = untilSignal();
      const receiver = await startReceiver({ ...env, report: (line) => ctx.out(JSON.stringify(line)) });
      await stopped;
      await receiver.close();
    });
}
