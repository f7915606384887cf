// The agent's route check (routeLookupFor, fast path included), run inside the test's desktop namespace: argv = the
// address and the tunnel interface. Prints the answer and the programs it had to run, as one JSON line.
import { pollRunner } from '../../../main/core/tunnel/poll-runner.js';
import { routeLookupFor } from '../../../main/core/tunnel/route-lookup.js';
import type { ProcessRunner } from '../../../main/core/tunnel/runner.js';

const [address, iface] = process.argv.slice(2) as [string, string];
const ran: string[] = [];
const recording: ProcessRunner = { run: (file, args, opts) => (ran.push([file, ...args].join(' ')), pollRunner.run(file, args, opts)) };
const answer = await routeLookupFor('linux', recording)(address, iface);
process.stdout.write(`${JSON.stringify({ answer, ran })}\n`);
