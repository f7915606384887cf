// Runs several `jett` commands one after another in one Node process, in-process as cli.ts does, and prints their
// results as one JSON array: for tests that must run jett inside a namespace (one Node start, not one per command).
// Usage: node --import tsx test/helpers/cli-batch.ts '[["keys","generate"],...]' (JETT_HOME from the environment).
import { jett } from './cli.js';

const lists = JSON.parse(process.argv[2] ?? '[]') as string[][];
const home = process.env.JETT_HOME;
if (!home) throw new Error('JETT_HOME must be set');
const results = [];
for (const args of lists) results.push(await jett(args, { home }));
process.stdout.write(JSON.stringify(results));
