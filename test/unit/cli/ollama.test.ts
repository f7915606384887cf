// `jett ollama status|pull` against the loopback fake of Ollama's wire format: the same status and pull the Models
// tab uses, exit 1 when Ollama is down or lacks ollama.model, a failed pull with Ollama's own error and a fix.
import { afterEach, describe, expect, it } from 'vitest';
import { OllamaPullOutputSchema, OllamaStatusOutputSchema } from '../../../main/core/contracts/models.js';
import { jett } from '../../helpers/cli.js';
import { startFakeOllama, type FakeOllama } from '../../helpers/fake-ollama.js';
import { tempDir } from '../../helpers/tmp.js';

const fakes: FakeOllama[] = [];
afterEach(async () => {
  for (const f of fakes.splice(0)) await f.close();
});

async function homeFor(url: string, model: string): Promise<string> {
  const home = tempDir();
  expect((await jett(['config', 'set', 'ollama.host', url], { home })).code).toBe(0);
  expect((await jett(['config', 'set', 'ollama.model', model], { home })).code).toBe(0);
  return home;
}

describe('jett ollama', () => {
  it('status: says Ollama is not running, with the fix, and exits 1', async () => {
    const home = await homeFor('http://127.0.0.1:9', 'llama3.2:3b');
    const r = await jett(['ollama', 'status', '--json'], { home });
    expect(r.code).toBe(1);
    expect(OllamaStatusOutputSchema.parse(JSON.parse(r.stdout))).toMatchObject({ running: false, hasModel: false, error: { message: 'Ollama is not running at http://127.0.0.1:9', fix: expect.stringContaining('ollama serve') } });
  });

  it('pull: fetches ollama.model with progress on stderr, after which status finds it and exits 0', async () => {
    const fake = await startFakeOllama({ models: [], pullable: ['phi4-mini'] });
    fakes.push(fake);
    const home = await homeFor(fake.url, 'phi4-mini');
    expect((await jett(['ollama', 'status'], { home })).code).toBe(1);
    const pulled = await jett(['ollama', 'pull', '--json'], { home });
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(OllamaPullOutputSchema.parse(JSON.parse(pulled.stdout))).toEqual({ host: fake.url, model: 'phi4-mini', pulled: true });
    expect(pulled.stderr).toContain('pulling 3b8f1f2e5a: 40% of 2.50 GB');
    const status = await jett(['ollama', 'status', '--json'], { home });
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ running: true, model: 'phi4-mini', hasModel: true });
  });

  it("pull: a model Ollama cannot find fails with Ollama's error and what to check", async () => {
    const fake = await startFakeOllama({ models: [], pullable: [] });
    fakes.push(fake);
    const home = await homeFor(fake.url, 'phi4-mini');
    const r = await jett(['ollama', 'pull', 'no-such-model'], { home });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`OllamaError: Ollama at ${fake.url} failed: pull model manifest: file does not exist\n  fix: `);
  });
});
