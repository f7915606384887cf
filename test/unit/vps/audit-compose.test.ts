// `jett audit compose`: every planted flaw is found at its line, clean files give nothing, the naive layout of
// DESIGN.md yields a finding per weakness it lists, and bad input gets a clear error.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify as stringifyYaml } from 'yaml';
import { ComposeAuditReportSchema, COMPOSE_RULE_IDS, type ComposeAuditReport } from '../../../main/core/contracts/vps.js';
import { auditComposeFile, auditComposeText, MAX_COMPOSE_BYTES, readComposeFile } from '../../../main/core/vps/audit-compose.js';
import { healthcheckPrograms } from '../../../main/core/vps/audit-rules.js';
import { ComposeError, parsePortText } from '../../../main/core/vps/compose-doc.js';
import { imageProfile, parseImageRef } from '../../../main/core/vps/images.js';
import { jett } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/tmp.js';

const FIXTURES = path.resolve(__dirname, '../../fixtures/compose');
const TUNNEL = { tunnelAddress: '10.0.0.2' };

function ymlIn(sub: string): string[] {
  return fs
    .readdirSync(path.join(FIXTURES, sub))
    .filter((f) => f.endsWith('.yml'))
    .sort()
    .map((f) => path.join(FIXTURES, sub, f));
}

/** The `# expect: RULE SEVERITY [accepted]` markers of a fixture, as "rule severity line[ accepted]". */
function expectations(file: string): string[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((l, i) => {
      const m = /# expect: (\S+) (\S+)( accepted)?/.exec(l);
      return m ? [`${m[1]} ${m[2]} ${i + 1}${m[3] ?? ''}`] : [];
    })
    .sort();
}

const found = (r: ComposeAuditReport) => r.findings.map((f) => `${f.rule} ${f.severity} ${f.line}${f.accepted === null ? '' : ' accepted'}`).sort();

describe('audit compose: planted flaws', () => {
  const flaws = ymlIn('flaws');

  it('has a fixture for every rule', () => {
    const covered = new Set(flaws.flatMap((f) => expectations(f).map((e) => e.split(' ')[0])));
    expect([...COMPOSE_RULE_IDS].filter((r) => !covered.has(r))).toEqual([]);
  });

  it.each(flaws.map((f) => [path.basename(f), f]))('%s: exactly the planted findings, at their lines', (_name, file) => {
    const want = expectations(file);
    expect(want.length).toBeGreaterThan(0);
    expect(found(auditComposeFile(file, TUNNEL))).toEqual(want);
  });

  it.each(ymlIn('clean').map((f) => [path.basename(f), f]))('%s: no finding', (_name, file) => {
    expect(auditComposeFile(file, TUNNEL).findings).toEqual([]);
  });

  it('every finding says what to do', () => {
    for (const file of flaws) for (const f of auditComposeFile(file, TUNNEL).findings) expect(f.fix.length).toBeGreaterThan(10);
  });
});

describe('audit compose: the naive layout of DESIGN.md', () => {
  const report = auditComposeFile(path.join(FIXTURES, 'naive-design.yml'), TUNNEL);
  const has = (service: string | null, rule: string, text?: RegExp) =>
    report.findings.some((f) => f.service === service && f.rule === rule && (!text || text.test(f.message)));

  it(':latest image tags', () => {
    for (const s of ['n8n', 'qdrant', 'portainer']) expect(has(s, 'image-pinned', /latest/)).toBe(true);
  });
  it('the Docker socket mounted :ro is still full control of Docker', () => {
    const f = report.findings.find((x) => x.service === 'portainer' && x.rule === 'docker-socket');
    expect(f?.severity).toBe('high');
    expect(f?.message).toMatch(/:ro/);
  });
  it('postgres:15-alpine runs as uid 70, not 999', () => expect(has('postgres', 'user-matches-image', /70/)).toBe(true));
  it('N8N_BASIC_AUTH_* is gone from n8n', () => expect(has('n8n', 'obsolete-setting', /N8N_BASIC_AUTH_ACTIVE/)).toBe(true));
  it('Qdrant read-only also needs its snapshots path writable', () => expect(has('qdrant', 'writable-paths', /\/qdrant\/snapshots/)).toBe(true));
  it('no healthchecks', () => {
    for (const s of ['n8n', 'postgres', 'qdrant', 'portainer']) expect(has(s, 'healthcheck')).toBe(true);
  });
  it('one bridge network that every container shares', () => expect(has(null, 'networks-separated', /"jett"/)).toBe(true));
});

describe('jett audit compose (CLI)', () => {
  const home = tempDir();

  it('prints the JSON report and exits 1 when anything is high', async () => {
    const r = await jett(['audit', 'compose', path.join(FIXTURES, 'flaws', 'port-all-interfaces.yml'), '--json'], { home });
    expect(r.code).toBe(1);
    const report = ComposeAuditReportSchema.parse(JSON.parse(r.stdout));
    expect(report.tunnelAddress).toBe('10.0.0.2');
    expect(report.counts).toEqual({ high: 1, medium: 0, low: 0, accepted: 0 });
    expect(report.findings[0]).toMatchObject({ service: 'postgres', rule: 'ports-tunnel-only', severity: 'high' });
  });

  it('exits 0 when the worst is medium, and prints severity, file:line, rule and fix', async () => {
    const file = path.join(FIXTURES, 'flaws', 'latest-tag.yml');
    const r = await jett(['audit', 'compose', file], { home });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`medium ${file}:4 n8n: image-pinned:`);
    expect(r.stdout).toMatch(/fix: pin a full version/);
  });

  it('checks ports against the configured tunnel address', async () => {
    const other = tempDir();
    expect((await jett(['config', 'set', 'tunnel.peerAddress', '10.9.0.2'], { home: other })).code).toBe(0);
    const r = await jett(['audit', 'compose', path.join(FIXTURES, 'clean', 'separate-networks.yml'), '--json'], { home: other });
    const report = ComposeAuditReportSchema.parse(JSON.parse(r.stdout));
    expect(report.findings.map((f) => f.rule)).toEqual(['ports-tunnel-only']);
    expect(report.findings[0]!.message).toContain('not the tunnel address 10.9.0.2');
  });

  it('malformed YAML: a clear error naming the line, exit 1', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'bad.yml');
    fs.writeFileSync(file, 'services:\n  n8n:\n    image: "n8nio/n8n:1.121.3\n    user: 1000\n');
    const r = await jett(['audit', 'compose', file], { home });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/ComposeError: .*bad\.yml: not valid YAML \(line \d+/);
    expect(r.stderr).toMatch(/fix: /);
  });

  it('a YAML file that is not a compose file, an empty file, a missing file: clear errors', async () => {
    const dir = tempDir();
    const notCompose = path.join(dir, 'k8s.yml');
    fs.writeFileSync(notCompose, 'apiVersion: v1\nkind: Pod\n');
    const empty = path.join(dir, 'empty.yml');
    fs.writeFileSync(empty, '');
    for (const file of [notCompose, empty]) {
      const r = await jett(['audit', 'compose', file], { home });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('not a compose file (no "services:" mapping');
    }
    const missing = await jett(['audit', 'compose', path.join(dir, 'nope.yml')], { home });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no such file');
  });

  it('an accepted high finding is shown as accepted with its severity and reason, and does not fail the audit', async () => {
    const file = path.join(FIXTURES, 'flaws', 'socket-proxy-writes-accepted.yml');
    const json = await jett(['audit', 'compose', file, '--json'], { home });
    expect(json.code).toBe(0);
    const report = ComposeAuditReportSchema.parse(JSON.parse(json.stdout));
    expect(report.counts).toEqual({ high: 0, medium: 0, low: 0, accepted: 1 });
    expect(report.findings).toEqual([expect.objectContaining({ rule: 'docker-api-writes', severity: 'high', service: 'socket-proxy', accepted: expect.stringContaining('WireGuard only') })]);
    expect(report.findings[0]!.message).toMatch(/root on the host/);
    const text = await jett(['audit', 'compose', file], { home });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^high {3}.*socket-proxy: docker-api-writes: /m);
    expect(text.stdout).toContain('accepted (x-jett-accept): Portainer manages');
    expect(text.stdout).toContain('no open findings, 1 accepted');
  });

  it('the same proxy without the acceptance fails the audit: root on the host', async () => {
    const r = await jett(['audit', 'compose', path.join(FIXTURES, 'flaws', 'socket-proxy-writes.yml'), '--json'], { home });
    expect(r.code).toBe(1);
    const f = ComposeAuditReportSchema.parse(JSON.parse(r.stdout)).findings[0]!;
    expect(f).toMatchObject({ rule: 'docker-api-writes', severity: 'high', accepted: null });
    expect(f.message).toContain('"portainer" can start a privileged container');
  });

  it("an acceptance for another service or rule accepts nothing: a host escape stays open", () => {
    const text = fs.readFileSync(path.join(FIXTURES, 'flaws', 'host-pid.yml'), 'utf8') + 'x-jett-accept:\n  - {rule: host-escape, service: quoted, reason: only the quoted one}\n';
    const r = auditComposeText(text, 'pid.yml', TUNNEL);
    expect(r.findings.map((f) => [f.service, f.accepted !== null])).toEqual([['plain', false], ['quoted', true]]);
    expect(r.counts).toMatchObject({ high: 1, accepted: 1 });
  });

  it('/dev/zero is refused at once, not read until memory runs out', async () => {
    const r = await jett(['audit', 'compose', '/dev/zero'], { home });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot read /dev/zero: it is not a regular file (a device, FIFO or socket)');
    expect(r.stderr).toMatch(/fix: /);
  });

  it('a FIFO with no writer is refused without blocking', async () => {
    const fifo = path.join(tempDir(), 'compose.yml');
    await execa('/usr/bin/mkfifo', [fifo]);
    // In a child process: a blocking open would wait for a writer forever, and the timeout would kill it.
    const r = await execa(process.execPath, [path.resolve(__dirname, '../../../bin/jett.mjs'), 'audit', 'compose', fifo], { env: { JETT_HOME: home }, reject: false, timeout: 60_000 });
    expect(r.timedOut).toBe(false);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('it is not a regular file');
  });

  it('a file over 1 MiB is refused with the limit named; one just under it is audited', () => {
    const dir = tempDir();
    const head = fs.readFileSync(path.join(FIXTURES, 'clean', 'anchors.yml'), 'utf8');
    const big = path.join(dir, 'big.yml');
    fs.writeFileSync(big, head + `# ${'x'.repeat(MAX_COMPOSE_BYTES)}\n`);
    expect(() => auditComposeFile(big, TUNNEL)).toThrow(/larger than 1048576 bytes \(1 MiB\)/);
    const fits = path.join(dir, 'fits.yml');
    fs.writeFileSync(fits, head + `# ${'x'.repeat(MAX_COMPOSE_BYTES - head.length - 3)}\n`);
    expect(fs.statSync(fits).size).toBe(MAX_COMPOSE_BYTES);
    expect(auditComposeFile(fits, TUNNEL).findings).toEqual([]);
  });

  it('a folder is refused with what it is', () => {
    expect(() => readComposeFile(tempDir())).toThrow(/it is a folder/);
  });

  it('an alias bomb is refused, not expanded', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`), 'services:', '  s:', '    image: *i'].join('\n');
    expect(() => auditComposeText(bomb, 'bomb.yml', TUNNEL)).toThrow(/bomb.yml: the YAML cannot be expanded/);
  });

  it('any input gives a report or a ComposeError, never a crash', () => {
    const service = fc.dictionary(
      fc.constantFrom('image', 'user', 'read_only', 'ports', 'volumes', 'tmpfs', 'environment', 'healthcheck', 'networks', 'cap_drop', 'cap_add', 'security_opt', 'deploy', 'mem_limit', 'network_mode', 'privileged', 'pid', 'ipc', 'userns_mode', 'devices', 'device_cgroup_rules', 'volumes_from'),
      fc.jsonValue({ maxDepth: 3 }),
    );
    const accept = fc.oneof(fc.array(fc.record({ rule: fc.oneof(fc.constantFrom(...COMPOSE_RULE_IDS), fc.string()), service: fc.string({ maxLength: 8 }), reason: fc.jsonValue({ maxDepth: 1 }) })), fc.jsonValue({ maxDepth: 2 }));
    const compose = fc.record({
      services: fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.oneof(service, fc.jsonValue({ maxDepth: 2 }))),
      networks: fc.jsonValue({ maxDepth: 2 }),
      volumes: fc.jsonValue({ maxDepth: 3 }),
      'x-jett-accept': accept,
    });
    const text = fc.oneof(fc.string(), compose.map((c) => stringifyYaml(c)));
    fc.assert(
      fc.property(text, (t) => {
        try {
          ComposeAuditReportSchema.parse(auditComposeText(t, 'fuzz.yml', TUNNEL));
        } catch (err) {
          if (!(err instanceof ComposeError)) throw err;
        }
      }),
      { numRuns: 400 },
    );
  });

  it('duplicate keys and a service that is not a mapping are refused', () => {
    expect(() => auditComposeText('services:\n  a:\n    image: x:1.2\n    image: y:1.2\n', 'dup.yml', TUNNEL)).toThrow(/not valid YAML \(line 4: Map keys must be unique/);
    expect(() => auditComposeText('services:\n  a: just-a-string\n', 'str.yml', TUNNEL)).toThrow(/service "a" is not a mapping/);
  });
});

describe('audit building blocks', () => {
  it('parses image references with registries, tags and digests', () => {
    expect(parseImageRef('docker.n8n.io/n8nio/n8n:1.121.3')).toEqual({ repository: 'n8nio/n8n', tag: '1.121.3', digest: null });
    expect(parseImageRef('postgres')).toEqual({ repository: 'postgres', tag: null, digest: null });
    expect(parseImageRef('docker.io/library/postgres:15.10-alpine@sha256:ab')).toEqual({ repository: 'postgres', tag: '15.10-alpine', digest: 'sha256:ab' });
    expect(parseImageRef('localhost:5000/app')).toEqual({ repository: 'app', tag: null, digest: null });
  });

  it('knows the uid each image expects', () => {
    expect(imageProfile(parseImageRef('postgres:15.10-alpine'))?.expectedUid?.uid).toBe(70);
    expect(imageProfile(parseImageRef('postgres:15.10-bookworm'))?.expectedUid?.uid).toBe(999);
    expect(imageProfile(parseImageRef('n8nio/n8n:1.121.3'))?.defaultUid).toBe(1000);
    expect(imageProfile(parseImageRef('qdrant/qdrant:v1.13.4'))?.defaultUid).toBe(0);
    expect(imageProfile(parseImageRef('qdrant/qdrant:v1.13.4-unprivileged'))?.defaultUid).toBe(1000);
    expect(imageProfile(parseImageRef('nginx:1.27'))).toBeNull();
  });

  it('reads the host address of every port syntax', () => {
    expect(parsePortText('5432').hostIp).toBeNull();
    expect(parsePortText('5432:5432').hostIp).toBeNull();
    expect(parsePortText('0.0.0.0:5432:5432').hostIp).toBeNull();
    expect(parsePortText('[::]:5432:5432').hostIp).toBeNull();
    expect(parsePortText('10.0.0.2:5432:5432/tcp').hostIp).toBe('10.0.0.2');
    expect(parsePortText('[fd00::2]:5432:5432').hostIp).toBe('fd00::2');
    expect(parsePortText('fd00::2:5432:5432').hostIp).toBe('fd00::2');
  });

  it('finds the programs a healthcheck runs', () => {
    expect(healthcheckPrograms(['CMD', '/usr/bin/curl', '-f', 'x'])).toEqual(['curl']);
    expect(healthcheckPrograms(['CMD-SHELL', 'wget -q -O /dev/null http://x/ || exit 1'])).toEqual(['wget']);
    expect(healthcheckPrograms(['CMD-SHELL', "FOO=1 pg_isready -U x && find /b -name '*.dump' | grep -q ."])).toEqual(['pg_isready', 'find', 'grep']);
    expect(healthcheckPrograms(['NONE'])).toEqual([]);
  });
});
