// electronegativity over main/app, preload and renderer in one scan (so its global checks see the whole app; the
// release-list check, which needs the network, excluded): nothing of medium severity or above, every finding it
// marks for manual review answered by a review comment next to the code, and no eng-disable outside the allowlist.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { tempDir } from '../../helpers/tmp.js';

const SCANNED = ['main/app', 'preload', 'renderer'];

interface Finding {
  id: string;
  file: string;
  location: { line: number; column: number };
  severity: { name: string; value: number };
  confidence: { name: string };
  manualReview: boolean;
  description: string;
}
interface Report {
  errors: Array<{ file: string; message: string }>;
  issues: Finding[];
  atomicChecks: number;
  globalChecks: number;
}
type Run = (options: Record<string, unknown>) => Promise<Report>;

const AllowlistSchema = z.object({ entries: z.array(z.strictObject({ file: z.string(), check: z.string(), reason: z.string().min(20) })) });

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

let report: Report;

beforeAll(async () => {
  const root = tempDir('jett-eng-');
  for (const dir of SCANNED) fs.cpSync(dir, path.join(root, dir), { recursive: true });
  const run = createRequire(import.meta.url)('@doyensec/electronegativity') as Run;
  report = await run({
    input: root,
    isRelative: true,
    severitySet: 'informational',
    confidenceSet: 'tentative',
    electronVersionOverride: (createRequire(import.meta.url)('electron/package.json') as { version: string }).version,
    excludeFromScan: ['AvailableSecurityFixesGlobalCheck'],
  });
}, 120_000);

describe('electronegativity', () => {
  it('parsed every file and ran its checks', () => {
    expect(report.errors).toEqual([]);
    expect(report.atomicChecks).toBeGreaterThan(30);
    expect(report.globalChecks).toBeGreaterThan(3);
    // The preload finding shows that the TypeScript sources were parsed, not skipped.
    expect(report.issues.some((i) => i.id === 'PRELOAD_JS_CHECK' && i.file === 'main/app/window.ts')).toBe(true);
  });

  it('reports nothing of medium severity or above that is not a manual-review item', () => {
    const findings = report.issues.filter((i) => !i.manualReview && i.severity.value >= 2);
    expect(findings.map((i) => `${i.id} ${i.severity.name} ${i.file}:${i.location.line}`)).toEqual([]);
  });

  it('has a review comment next to the code of every manual-review finding', () => {
    const unreviewed = report.issues
      .filter((i) => i.manualReview)
      .filter((i) => {
        const lines = fs.readFileSync(i.file, 'utf8').split('\n');
        const near = lines.slice(Math.max(0, i.location.line - 7), i.location.line).join('\n');
        return !near.includes(`electronegativity review (${i.id}):`);
      });
    expect(unreviewed.map((i) => `${i.id} ${i.file}:${i.location.line}`)).toEqual([]);
  });

  it('silences no check except through the reviewed allowlist', () => {
    const allow = AllowlistSchema.parse(JSON.parse(fs.readFileSync('build/electronegativity-allowlist.json', 'utf8')));
    const disables = SCANNED.flatMap(files).flatMap((file) =>
      [...fs.readFileSync(file, 'utf8').matchAll(/eng-disable\s+([A-Z_ ]+)/g)].flatMap((m) => m[1]!.trim().split(/\s+/).map((check) => ({ file, check }))),
    );
    const unlisted = disables.filter((d) => !allow.entries.some((e) => e.file === d.file && e.check === d.check));
    expect(unlisted).toEqual([]);
  });
});
