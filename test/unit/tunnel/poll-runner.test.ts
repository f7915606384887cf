// The agent's repeated commands (ping, ip route get) run through pollRunner: it must answer exactly as execaRunner
// does (what the probe and the route guard read), for a success, a failure, a missing binary and a timeout.
import { describe, expect, it } from 'vitest';
import { pollRunner } from '../../../main/core/tunnel/poll-runner.js';
import { execaRunner } from '../../../main/core/tunnel/runner.js';

describe('pollRunner', () => {
  it('answers like execaRunner: output, exit status, stderr', async () => {
    const cases: [string, string[]][] = [
      ['/usr/bin/printf', ['a b\n%s\n', 'c']],
      ['/bin/sh', ['-c', 'echo out; echo err >&2; exit 3']],
      ['/bin/false', []],
    ];
    for (const [file, args] of cases) {
      const lean = await pollRunner.run(file, args);
      expect(lean).toEqual(await execaRunner.run(file, args));
    }
    expect(await pollRunner.run('/bin/sh', ['-c', 'echo out; echo err >&2; exit 3'])).toEqual({ exitCode: 3, stdout: 'out\n', stderr: 'err\n' });
  });

  it('reports a binary that cannot start as 127 with the reason, as execaRunner does', async () => {
    const r = await pollRunner.run('/nonexistent/ping', ['-c', '1']);
    expect(r.exitCode).toBe(127);
    expect(r.stderr).toMatch(/ENOENT/);
    expect((await execaRunner.run('/nonexistent/ping', ['-c', '1'])).exitCode).toBe(127);
  });

  it('ends a command that outlives its timeout and says so', async () => {
    const r = await pollRunner.run('/bin/sleep', ['10'], { timeoutMs: 200 });
    expect(r).toMatchObject({ exitCode: 127, stderr: 'timed out after 200 ms' });
  });

  it('extends the environment with the given variables and feeds input on stdin', async () => {
    const env = await pollRunner.run('/usr/bin/env', [], { env: { JETT_POLL_RUNNER_TEST: 'x' } });
    expect(env.stdout).toContain('JETT_POLL_RUNNER_TEST=x');
    expect(env.stdout).toContain(`PATH=${process.env.PATH}`);
    expect((await pollRunner.run('/bin/cat', [], { input: 'from stdin' })).stdout).toBe('from stdin');
  });
});
