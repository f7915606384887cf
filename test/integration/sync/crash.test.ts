// Crashes in each critical window: a syncing child process is SIGKILLed before the server commit, between the
// commit and the local mark-sent, during the mark-sent and at a random moment, then restarted; after a full drain
// every appended event is on the server exactly once, in seq order.
import { expect, it } from 'vitest';
import { FaultRunResultSchema } from '../../../main/harness/bench/results.js';
import { runFaultHarness, type RunPlan } from '../../faults/harness.js';
import { describeWith } from '../../helpers/requirements.js';
import { needsPostgres } from './fixture.js';

describeWith(needsPostgres, 'sync crash windows (child process, SIGKILL, real PostgreSQL 15)', () => {
  it('loses, duplicates, reorders and strands nothing when killed in each window and restarted', async () => {
    const none = { kind: 'none' } as const;
    const plans: RunPlan[] = [
      { client: 0, count: 200, batchRows: 50, kill: { kind: 'failpoint', point: 'push.before-commit', hit: 2 }, cut: none },
      { client: 0, count: 200, batchRows: 50, kill: { kind: 'failpoint', point: 'push.after-commit', hit: 2 }, cut: none },
      { client: 0, count: 200, batchRows: 50, kill: { kind: 'failpoint', point: 'push.mark-sent', hit: 2 }, cut: none },
      { client: 1, count: 300, batchRows: 7, kill: { kind: 'random', afterMs: 150 }, cut: { kind: 'reset-mid-batch', bytes: 3000 } },
      { client: 1, count: 100, batchRows: 5000, kill: { kind: 'failpoint', point: 'push.after-commit', hit: 1 }, cut: none },
    ];
    const lines: string[] = [];
    const result = FaultRunResultSchema.parse(await runFaultHarness({ runs: plans.length, seed: 1, plans, log: (l) => lines.push(l) }));
    expect(result, lines.join('\n')).toMatchObject({ runs: 5, lost: 0, duplicated: 0, reordered: 0, stuck: 0 });
    // The four failpoint runs each die in their window; the after-commit ones leave the server ahead of the desktop.
    expect(result.kills).toBeGreaterThanOrEqual(4);
    expect(result.kills_after_commit).toBeGreaterThanOrEqual(2);
    expect(lines.filter((l) => l.includes('(killed'))).toHaveLength(result.kills);
  }, 240_000);
});
