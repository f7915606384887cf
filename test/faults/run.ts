// `npm run test:faults -- --runs N [--seed S] [--json]`: the crash and link-fault run; the last stdout line is
// {"runs","kills","kills_after_commit","cuts","lost","duplicated","reordered","stuck"}. Exit 1 unless all four
// counts are zero and at least a tenth of the runs were killed between the server commit and the local mark-sent.
import { parseArgs } from 'node:util';
import { FaultRunResultSchema } from '../../main/harness/bench/results.js';
import { runFaultHarness } from './harness.js';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '20' }, seed: { type: 'string' }, json: { type: 'boolean', default: false } },
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) {
  process.stderr.write('test:faults: --runs takes a positive whole number\n');
  process.exit(2);
}
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
process.stdout.write(`test:faults: ${runs} runs, seed ${seed} (replay with --seed ${seed})\n`);
const started = Date.now();
const result = FaultRunResultSchema.parse(await runFaultHarness({ runs, seed, log: (l) => process.stdout.write(`${l}\n`) }));
process.stdout.write(`test:faults: done in ${Math.round((Date.now() - started) / 1000)} s\n`);
const failures = [
  ...(['lost', 'duplicated', 'reordered', 'stuck'] as const).filter((k) => result[k] !== 0).map((k) => `${k} = ${result[k]}`),
  ...(result.kills_after_commit * 10 < result.runs ? [`only ${result.kills_after_commit} kills landed after a server commit (want >= runs/10)`] : []),
];
process.stdout.write(values.json ? `${JSON.stringify(result)}\n` : `${JSON.stringify(result, null, 2)}\n`);
if (failures.length > 0) {
  process.stderr.write(`test:faults: FAILED: ${failures.join('; ')}\n`);
  process.exitCode = 1;
}
