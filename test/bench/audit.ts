// `npm run bench:audit -- --json`: `jett audit compose` on generated compose files of 1x, 2x, 4x and 8x the
// services (up to the 1 MiB input limit), with yaml's own parse of the same text as the bare baseline. Goal:
// the audit stays linear in the file size: over three doublings the time grows by less than 2.6 per doubling on
// average (linear is 2, quadratic 4).
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { parseDocument } from 'yaml';
import { AuditBenchResultSchema, type AuditBenchResult } from '../../main/core/contracts/vps.js';
import { auditComposeText, MAX_COMPOSE_BYTES } from '../../main/core/vps/audit-compose.js';

const { values } = parseArgs({ options: { json: { type: 'boolean', default: false }, base: { type: 'string', default: '100' }, runs: { type: 'string', default: '7' } } });
const say = (line: string) => process.stdout.write(`${line}\n`);
const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * A compose file of `n` services, each on its own network with a port, env, mounts and a healthcheck, the way
 * real ones look; the first one also has 20n environment variables, since one wide mapping is what made the
 * duplicate-key check quadratic.
 */
function composeText(n: number): string {
  const lines = ['services:'];
  for (let i = 0; i < n; i++) {
    const wide = i === 0 ? Array.from({ length: 20 * n }, (_, k) => `      JETT_SETTING_${k}: "${k}"`) : [];
    lines.push(
      `  app${i}:`,
      '    image: docker.n8n.io/n8nio/n8n:1.121.3',
      '    user: "1000:1000"',
      '    read_only: true',
      '    cap_drop: [ALL]',
      '    security_opt: ["no-new-privileges:true"]',
      '    tmpfs: ["/tmp:rw,noexec,nosuid,size=64m", "/home/node/.cache:rw,noexec,nosuid,size=64m"]',
      '    mem_limit: 512m',
      '    cpus: "1.0"',
      `    ports: ["10.0.0.2:${10000 + i}:5678"]`,
      `    volumes: ["data${i}:/home/node/.n8n", "/etc/localtime:/etc/localtime:ro"]`,
      '    environment:',
      `      N8N_PORT: "5678"`,
      `      GENERIC_TIMEZONE: UTC`,
      ...wide,
      `    networks: [net${i}]`,
      '    healthcheck:',
      '      test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:5678/healthz"]',
    );
  }
  lines.push('networks:');
  for (let i = 0; i < n; i++) lines.push(`  net${i}: {}`);
  return `${lines.join('\n')}\n`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function timeMs(runs: number, fn: () => void): number {
  fn(); // warm-up: JIT and caches, not measured
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

const base = Number(values.base);
const runs = Number(values.runs);
const steps: AuditBenchResult['steps'] = [];
for (const scale of [1, 2, 4, 8]) {
  const services = base * scale;
  const text = composeText(services);
  if (text.length > MAX_COMPOSE_BYTES) throw new Error(`--base ${base} makes an 8x file over the 1 MiB input limit: use a smaller --base`);
  const auditMs = timeMs(runs, () => {
    const r = auditComposeText(text, 'bench.yml', { tunnelAddress: '10.0.0.2' });
    if (r.findings.length !== 0) throw new Error(`the generated file should audit clean, got ${r.findings[0]!.rule}: ${r.findings[0]!.message}`);
  });
  const parseMs = timeMs(runs, () => parseDocument(text, { merge: true, uniqueKeys: false }).toJS({ maxAliasCount: 100 }));
  steps.push({ scale, services, bytes: Buffer.byteLength(text), audit_ms: round(auditMs), parse_ms: round(parseMs) });
  say(`${scale}x: ${services} services, ${Buffer.byteLength(text)} bytes: audit ${round(auditMs)} ms, bare parse ${round(parseMs)} ms`);
}
const growth = steps.slice(1).map((s, i) => round(s.audit_ms / steps[i]!.audit_ms));
const last = steps.at(-1)!;
const result = AuditBenchResultSchema.parse({
  steps,
  growth_per_doubling: growth,
  mean_growth_per_doubling: round((last.audit_ms / steps[0]!.audit_ms) ** (1 / growth.length)),
  audit_to_parse_ratio: round(last.audit_ms / last.parse_ms),
});
// Per step the shared machine's noise is large; the mean over the three doublings (8x in all) is the goal.
const linear = result.mean_growth_per_doubling < 2.6;
say(`growth per doubling: ${growth.join(', ')}, mean ${result.mean_growth_per_doubling} (linear is about 2, quadratic 4); goal mean < 2.6: ${linear ? 'met' : 'MISSED'}`);
say(values.json ? JSON.stringify(result) : JSON.stringify(result, null, 2));
process.exitCode = linear ? 0 : 1;
