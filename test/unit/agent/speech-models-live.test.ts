// A speech model pulled (or removed) while the agent runs reaches its voice service without a restart: through
// `jett models pull`/`remove` (the CLI tells the running agent over its control endpoint) and through the window's
// Models tab (the models:pull handler tells it before the window hears "done"). The model comes from a loopback Hub with stand-in files.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inProcessHandle, type AgentHandle } from '../../../main/app/agent-handle.js';
import { catalogueModels, modelService } from '../../../main/app/models.js';
import { Agent } from '../../../main/core/agent.js';
import { ConfigSchema, type Config } from '../../../main/core/contracts/config.js';
import type { ModelProgress } from '../../../main/core/contracts/ipc.js';
import { openRuntime, type Runtime } from '../../../main/core/runtime.js';
import type { ProcessRunner } from '../../../main/core/tunnel/runner.js';
import { findEntry, loadCatalogue } from '../../../main/core/voice/models/catalogue.js';
import { jett } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/tmp.js';
import { windowHandlers } from '../../helpers/window-handlers.js';
import { FakeHub } from '../../integration/models/fake-hub.js';
import { FakeAgent } from '../app/helpers.js';

const STT = 'whisper-base.en';
let hub: FakeHub;
const stops: (() => Promise<void>)[] = [];

beforeAll(async () => {
  const entry = findEntry(loadCatalogue(), STT);
  // The unpinned entry's files with made-up content, as the models CLI test makes them.
  hub = await new FakeHub(entry.files.map((f) => FakeHub.randomFile(entry.repo, f.path, f.path.endsWith('.onnx') ? 200_000 : 300))).start();
});
afterAll(() => hub.stop());
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

/** An agent on a fresh JETT_HOME whose config.json names the model; nothing else is set up, so nothing is run. */
async function startAgent() {
  const home = tempDir();
  const env = { ...process.env, JETT_HOME: home, JETT_SECRET_STORE: 'file' };
  const runtime = openRuntime({ env });
  const config: Config = ConfigSchema.parse({ models: { stt: STT, tts: '' } });
  fs.writeFileSync(runtime.paths.config, JSON.stringify({ models: { stt: STT, tts: '' } }), { mode: 0o600 });
  const runner: ProcessRunner = { run: async () => ({ exitCode: 1, stdout: '', stderr: 'not in this test' }) };
  const agent = new Agent({ runtime, config, env, runner });
  await agent.start();
  stops.push(() => agent.stop());
  return { home, runtime, agent };
}

describe.runIf(process.platform === 'linux')('a speech model pulled while the agent runs', () => {
  it('`jett models pull`: the running agent reports voice configured, without a restart', async () => {
    const { home, agent } = await startAgent();
    expect(agent.status().setup?.voice).toMatchObject({ configured: false, reason: expect.stringContaining(`speech models not downloaded: ${STT}`) });
    const pulled = await jett(['models', 'pull', STT], { home, env: { HF_ENDPOINT: hub.url, JETT_SECRET_STORE: 'file' } });
    expect(pulled.code).toBe(0);
    expect(pulled.stderr).toContain('the running agent rebuilt voice with it');
    expect(agent.status().setup?.voice).toMatchObject({ configured: true, reason: `${STT} in ${path.join(home, 'models')}`, next: null });
  });

  it('`jett models remove`: the running agent reports voice unconfigured again, without a restart', async () => {
    const { home, agent } = await startAgent();
    const env = { HF_ENDPOINT: hub.url, JETT_SECRET_STORE: 'file' };
    expect((await jett(['models', 'pull', STT], { home, env })).code).toBe(0);
    expect(agent.status().setup?.voice.configured).toBe(true);
    const removed = await jett(['models', 'remove', STT], { home, env });
    expect(removed.code).toBe(0);
    expect(removed.stderr).toContain('the running agent rebuilt voice without it');
    expect(agent.status().setup?.voice).toMatchObject({ configured: false, reason: expect.stringContaining(`speech models not downloaded: ${STT}`) });
  });

  it("the window's Models tab: the agent is told before the window hears done, so its next status is the new one", async () => {
    const { home, runtime, agent } = await startAgent();
    const seen: Array<{ progress: ModelProgress; voiceConfigured: boolean | undefined }> = [];
    let finished!: () => void;
    const done = new Promise<void>((r) => (finished = r));
    const handlers = hubHandlers(home, runtime, inProcessHandle(agent), (p) => {
      seen.push({ progress: p, voiceConfigured: agent.status().setup?.voice.configured });
      if (p.done) finished();
    });
    expect(agent.status().setup?.voice.configured).toBe(false);
    await handlers['models:pull']({ kind: 'speech', name: STT });
    await done;
    const last = seen.at(-1)!;
    expect(last.progress).toMatchObject({ kind: 'speech', name: STT, done: true, error: null, status: 'success' });
    expect(last.voiceConfigured).toBe(true);
    // While the files were still coming, voice was not configured yet.
    expect(seen.filter((s) => !s.progress.done).every((s) => s.voiceConfigured === false)).toBe(true);
  });

  it('an agent that cannot take the pulled model: the window hears it, with what to do', async () => {
    const home = tempDir();
    const runtime = openRuntime({ env: { ...process.env, JETT_HOME: home, JETT_SECRET_STORE: 'file' } });
    const agent = new FakeAgent();
    agent.reloadConfig = async () => {
      throw new Error('the agent is not running');
    };
    let last!: (p: ModelProgress) => void;
    const finalProgress = new Promise<ModelProgress>((r) => (last = r));
    const handlers = hubHandlers(home, runtime, agent, (p) => p.done && last(p));
    await handlers['models:pull']({ kind: 'speech', name: STT });
    expect(await finalProgress).toMatchObject({ done: true, error: 'pulled, but the running agent did not take it: the agent is not running; restart Jett to use it' });
    expect(fs.existsSync(path.join(home, 'models', STT, 'config.json'))).toBe(true);
  });
});

/** The window's handlers with the catalogue served by the test's hub, and each progress report passed on. */
function hubHandlers(home: string, runtime: Runtime, agent: AgentHandle, sendModelProgress: (p: ModelProgress) => void) {
  return windowHandlers(runtime, agent, {
    models: modelService(() => runtime.config.load().ollama.host, () => catalogueModels(path.join(home, 'models'), hub.url)),
    sendModelProgress,
  });
}
