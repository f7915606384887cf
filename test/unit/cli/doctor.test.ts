// `jett doctor`: every check is reported with a verdict, and a failing check carries its fix.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCTOR_CHECK_NAMES, DoctorReportSchema } from '../../../main/core/contracts/doctor.js';
import { jett } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/tmp.js';

// A loopback stand-in for Ollama's GET /api/tags (its documented response shape).
let server: http.Server;
let ollamaUrl = '';
beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/api/tags') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ models: [{ name: 'llama3.2:3b', model: 'llama3.2:3b', size: 1 }] }));
    } else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  ollamaUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('jett doctor --json', () => {
  it('runs through the bin and prints one JSON object listing every check', () => {
    const home = tempDir();
    const res = spawnSync(process.execPath, ['bin/jett.mjs', 'doctor', '--json'], { encoding: 'utf8', env: { ...process.env, JETT_HOME: home } });
    const report = DoctorReportSchema.parse(JSON.parse(res.stdout));
    expect(report.checks.map((c) => c.name)).toEqual([...DOCTOR_CHECK_NAMES]);
    for (const c of report.checks) if (c.status !== 'ok') expect(c.fix).toBeTruthy();
    expect(res.status).toBe(report.checks.some((c) => c.status === 'fail') ? 1 : 0);
  });

  it('says ok for a reachable Ollama that has the model, and fail with the pull command when it lacks it', async () => {
    const home = tempDir();
    await jett(['config', 'set', 'ollama.host', ollamaUrl], { home });
    const okRun = DoctorReportSchema.parse(JSON.parse((await jett(['doctor', '--json'], { home })).stdout));
    expect(okRun.checks.find((c) => c.name === 'ollama')).toMatchObject({ status: 'ok' });
    await jett(['config', 'set', 'ollama.model', 'qwen2.5:7b'], { home });
    const missing = DoctorReportSchema.parse(JSON.parse((await jett(['doctor', '--json'], { home })).stdout));
    expect(missing.checks.find((c) => c.name === 'ollama')).toMatchObject({ status: 'fail', fix: expect.stringContaining('ollama pull qwen2.5:7b') });
  });

  it('reports a broken config as a failing check with its fix instead of crashing', async () => {
    const home = tempDir();
    fs.writeFileSync(path.join(home, 'config.json'), '{oops');
    const res = await jett(['doctor', '--json'], { home });
    expect(res.code).toBe(1);
    const config = DoctorReportSchema.parse(JSON.parse(res.stdout)).checks.find((c) => c.name === 'config');
    expect(config).toMatchObject({ status: 'fail', detail: expect.stringContaining('config.json') });
  });

  it('says which onnxruntime execution providers load', async () => {
    const res = await jett(['doctor', '--json'], { home: tempDir() });
    const onnx = DoctorReportSchema.parse(JSON.parse(res.stdout)).checks.find((c) => c.name === 'onnxruntime');
    expect(onnx?.detail).toMatch(/execution providers: .*cpu/);
  });

  it('prints one readable line per check without --json', async () => {
    const res = await jett(['doctor'], { home: tempDir() });
    for (const name of DOCTOR_CHECK_NAMES) expect(res.stdout).toMatch(new RegExp(`^(ok|warn|fail) +${name} `, 'm'));
  });
});
