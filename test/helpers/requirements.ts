// Gates tests on root and Debian packages: a one-line skip reason normally, a hard failure under JETT_REQUIRE_ALL=1.
import { describe, it } from 'vitest';
import { resolveBinary } from '../../main/core/process/binaries.js';
import { n8nInstalled as realN8nInstalled } from '../../main/harness/n8n/installed.js';

export type Requirement = { kind: 'root' } | { kind: 'binary'; name: string } | { kind: 'env'; name: string; why: string } | { kind: 'n8n' };

export const root: Requirement = { kind: 'root' };
export const binary = (name: string): Requirement => ({ kind: 'binary', name });
/** The real n8n in tools/n8n (`npm run setup:n8n`, which CI runs). */
export const n8nInstalled: Requirement = { kind: 'n8n' };
/** Only for things this machine can never have (model weights): such a skip is allowed even in CI. */
export const optionalEnv = (name: string, why: string): Requirement => ({ kind: 'env', name, why });

function missing(req: Requirement): string | null {
  switch (req.kind) {
    case 'root':
      return process.getuid?.() === 0 ? null : 'needs root';
    case 'binary':
      return resolveBinary(req.name) ? null : `needs ${req.name} (npm run setup:linux)`;
    case 'env':
      return process.env[req.name] ? null : `needs ${req.name}: ${req.why}`;
    case 'n8n':
      return realN8nInstalled() ? null : 'needs n8n installed (npm run setup:n8n)';
  }
}

/** `describe` that runs only when every requirement holds. */
export function describeWith(reqs: Requirement[], name: string, body: () => void): void {
  const reasons = reqs.map(missing).filter((r): r is string => r !== null);
  if (reasons.length === 0) return void describe(name, body);
  const onlyOptional = reqs.every((r) => r.kind === 'env' || missing(r) === null);
  if (process.env.JETT_REQUIRE_ALL === '1' && !onlyOptional) {
    describe(name, () => {
      it('has what it needs to run', () => {
        throw new Error(`JETT_REQUIRE_ALL=1 but ${reasons.join('; ')}`);
      });
    });
    return;
  }
  process.stderr.write(`skip "${name}": ${reasons.join('; ')}\n`);
  describe.skip(name, body);
}
