// Loaded with `node --import` before the built `jett`: appends to the file named by JETT_RECORD_LOADS every module
// the process loads: each ES module URL as it is resolved, and at exit every CommonJS file (require, createRequire).
import fs from 'node:fs';
import { createRequire, register } from 'node:module';

const log = process.env.JETT_RECORD_LOADS;
if (!log) throw new Error('record-loads.mjs needs JETT_RECORD_LOADS (the file to append to)');

// The resolve hook runs on the loader's own thread, which sees the same environment.
const hook = `
import fs from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  fs.appendFileSync(process.env.JETT_RECORD_LOADS, r.url + '\\n');
  return r;
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);

const cache = createRequire(import.meta.url).cache;
process.on('exit', () => fs.appendFileSync(log, Object.keys(cache).map((f) => `${f}\n`).join('')));
