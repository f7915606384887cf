// The first-run checklist in headless Chromium with a real bridge: the real preload, the real IPC registration and
// the real handler map over the real core (a temporary JETT_HOME with the 0600 file store, the real bundle generator,
// a real agent in a network namespace started first, as the tray app starts it, WireGuard to a namespace VPS, `audit
// live` against the services listening there, models pulled from a loopback Hub, a loopback Ollama). From an empty
// JETT_HOME, every service "not configured", through every step with that same running agent (each setting reaches it
// live), with a screenshot of each state, and bad input on the way.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { attachedHandle, type AgentHandle } from '../../main/app/agent-handle.js';
import type { Handlers } from '../../main/app/ipc/register.js';
import { catalogueModels, modelService } from '../../main/app/models.js';
import { privilegedStep } from '../../main/app/setup/privileged.js';
import { createSetupService } from '../../main/app/setup/service.js';
import { setupItems } from '../../main/app/tray/model.js';
import { ControlClient } from '../../main/core/control/client.js';
import { AgentStatusOutputSchema } from '../../main/core/contracts/status.js';
import type { ModelProgress } from '../../main/core/contracts/ipc.js';
import { resolveBinary } from '../../main/core/process/binaries.js';
import { openRuntime, type Runtime } from '../../main/core/runtime.js';
import { findWireguard } from '../../main/core/setup/wireguard-found.js';
import { wireguardConfigPath } from '../../main/core/tunnel/install.js';
import { generateKeyPair } from '../../main/core/tunnel/keys.js';
import { SERVICE_PORTS } from '../../main/core/vps/compose-model.js';
import type { ConnectOutcome } from '../../main/core/vps/live-audit.js';
import { runLiveAudit } from '../../main/core/vps/live-audit-run.js';
import { findEntry, loadCatalogue } from '../../main/core/voice/models/catalogue.js';
import { FakeHub } from '../integration/models/fake-hub.js';
import { startFakeOllama, type FakeOllama } from '../helpers/fake-ollama.js';
import { createNetnsPair, TUNNEL, type NetnsPair } from '../helpers/netns.js';
import { binary, describeWith, root } from '../helpers/requirements.js';
import { jett } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { windowHandlers } from '../helpers/window-handlers.js';
import { buildRenderer, launch, openWindow, screenshot } from './page.js';
import { connectRealBridge, realBridgeScript, type RealBridge } from './real-bridge.js';

const STT = 'whisper-base.en';
const LLM = 'llama3.2:3b';

describeWith([binary('chromium'), root, binary('ip'), binary('nsenter'), binary('wg-quick'), binary('wireguard-go'), binary('mount')], 'the first-run checklist (headless Chromium, real handlers)', () => {
  let browser: Browser;
  let page: Page;
  let bridge: RealBridge;
  let pair: NetnsPair;
  let ollama: FakeOllama;
  let hub: FakeHub;
  let runtime: Runtime;
  let home: string;
  let agentProc: ResultPromise | null = null;
  let services: ResultPromise | null = null;
  let agent: AgentHandle;
  let handlers: Handlers;
  let readOnlyDir = '';
  let nextBundleDir = '';
  let vpsIface = '';
  const installRoot = tempDir('jett-install-root-');
  const problems: string[] = [];
  let closing = false;
  const progress: ModelProgress[] = [];

  /** A TCP connect made from inside the desktop namespace (where the tunnel is), as the desktop app makes it. */
  const connectInDesktop = async (host: string, port: number): Promise<ConnectOutcome> => {
    const script = `const s=require('net').connect({host:process.argv[1],port:+process.argv[2]});const d=(o)=>{console.log(o);s.destroy();process.exit(0)};s.setTimeout(2000,()=>d('timeout'));s.on('connect',()=>d('open'));s.on('error',(e)=>d(e.code==='ECONNREFUSED'?'refused':e.code==='ETIMEDOUT'?'timeout':'unreachable'))`;
    const r = await pair.runner('desktop').run(process.execPath, ['-e', script, host, String(port)]);
    return r.stdout.trim() as ConnectOutcome;
  };

  beforeAll(async () => {
    const rendererDir = tempDir('jett-renderer-');
    await buildRenderer(rendererDir);
    const script = await realBridgeScript();
    browser = await launch();
    pair = await createNetnsPair();
    ollama = await startFakeOllama({ models: [], pullable: [LLM] });
    const entry = findEntry(loadCatalogue(), STT);
    // The unpinned entry's files with made-up content (it has no checksums to hold them to), as the models CLI test does.
    hub = await new FakeHub(entry.files.map((f) => FakeHub.randomFile(entry.repo, f.path, f.path.endsWith('.onnx') ? 200_000 : 300))).start();

    home = tempDir('jett-setup-home-');
    // The namespace pair's addresses (a new user keeps 10.0.0.x), a unique interface name, and the two loopback
    // servers: written as config.json before the first start, the rest is done in the window.
    fs.writeFileSync(
      path.join(home, 'config.json'),
      JSON.stringify({
        tunnel: { interface: pair.ifaceName('d'), address: `${TUNNEL.desktop}/24`, peerAddress: TUNNEL.vps, pollSeconds: 1, autoConnect: false },
        ollama: { host: ollama.url, model: LLM },
        models: { stt: STT, tts: '' },
      }),
      { mode: 0o600 },
    );
    const env = { ...process.env, JETT_HOME: home, JETT_SECRET_STORE: 'file' };
    runtime = openRuntime({ env, platform: 'linux' });
    // The agent first, as the tray app starts it on an empty JETT_HOME (in the desktop namespace, as root: it runs
    // wg-quick itself from the settings); every later step reaches this same agent without a restart.
    agentProc = execa(resolveBinary('nsenter')!, [`--net=/run/netns/${pair.ns.desktop}`, process.execPath, path.resolve('bin/jett.mjs'), 'agent'], {
      reject: false,
      env: { JETT_HOME: home, JETT_SECRET_STORE: 'file', PATH: process.env.PATH },
    });
    let client: ControlClient | null = null;
    while (!client) {
      client = await ControlClient.connectToAgent(runtime.paths);
      if (!client) await new Promise((r) => setTimeout(r, 300));
    }
    agent = await attachedHandle(client);
    const models = modelService(() => runtime.config.load().ollama.host, () => catalogueModels(path.join(home, 'models'), hub.url));
    handlers = windowHandlers(runtime, agent, {
      secretStoreNote: 'the 0600 file store in JETT_HOME (no keyring in this test)',
      models,
      sendModelProgress: (p) => {
        progress.push(p);
        void bridge.emit('models:progress', p);
      },
      // The uninstall is not a step of the checklist: it has its own test (test/renderer/uninstall.test.ts).
      setupTunnel: async () => {
        throw new Error('Windows only');
      },
      setup: createSetupService({
        runtime,
        platform: 'linux',
        env,
        agent,
        models,
        wireguard: () => findWireguard({ platform: 'linux', env }),
        // The OS folder dialog, answered by the test.
        chooseBundleDir: async () => nextBundleDir,
        // As the app builds it as root (the install plan, its files under a folder instead of /). Root's agent runs the
        // tunnel from the settings, so the checklist offers no button for it here (test/unit/setup covers the others).
        privileged: privilegedStep({ runtime, platform: 'linux', env, isRoot: true, installRoot, windowsSetup: async () => {} }),
        auditLive: (tunnel) => runLiveAudit({ tunnel, home, runner: pair.runner('desktop'), connect: connectInDesktop }),
        onConfigChanged: () => {},
      }),
    });
    const opened = await openWindow(browser, rendererDir, script, '', async (p) => {
      bridge = await connectRealBridge(p, handlers, { warn: (m) => problems.push(m), error: (m) => problems.push(m) });
    });
    page = opened.page;
    problems.push(...opened.problems);
    // As the shell's followAgent does: each change of the agent's state is pushed to the window.
    // As the app's follow-agent does: each change refreshes the window; a refresh that fails is a problem the last
    // test reports, except one still in flight when the teardown closes the agent.
    for (const name of ['tunnel.state', 'voice.state', 'config.changed'] as const) {
      agent.on(name, () =>
        void handlers['status:get'](undefined)
          .then((v) => bridge.emit('status:changed', v))
          .catch((err: unknown) => {
            if (!closing) problems.push(`status refresh: ${String(err)}`);
          }),
      );
    }
  }, 300_000);

  afterAll(async () => {
    closing = true;
    await agent?.tunnelDown().catch(() => {});
    await agent?.close();
    agentProc?.kill('SIGTERM');
    await agentProc?.catch(() => {});
    services?.kill('SIGTERM');
    await services?.catch(() => {});
    if (readOnlyDir) execFileSync(resolveBinary('umount')!, [readOnlyDir]);
    await pair?.destroy();
    await ollama?.close();
    await hub?.stop();
    await browser?.close();
  }, 60_000);

  const stateOf = (id: string) => page.getAttribute(`#setup-step-${id}`, 'data-state');
  // On a miss, the step and the toast say why (what a user would read).
  const waitState = (id: string, state: string) =>
    page.waitForSelector(`#setup-step-${id}[data-state="${state}"]`).catch(async (err: Error) => {
      throw new Error(`${id} is not ${state}: ${await page.textContent(`#setup-step-${id}`)} | ${await page.textContent('#toast')} (${err.message.split('\n')[0]})`);
    });
  /** Presses "Check again" until the step reaches the state (the tunnel comes up on its own time). */
  const checkUntil = async (id: string, state: string) => {
    for (;;) {
      if ((await stateOf(id)) === state) return;
      await page.click('#setup-refresh');
      await page.waitForTimeout(500);
    }
  };

  it('from an empty JETT_HOME to every step the machine allows, with one agent running from the start, without a terminal', async () => {
    // 0. Empty: the agent runs and says every service is not configured (nothing probed); the window opens on Setup,
    // WireGuard is found, keys come first, the tunnel steps wait, the voice turn waits for the models.
    const first = await agent.status();
    expect(first.tunnel.state).toBe('unconfigured');
    expect(first.setup).toMatchObject({ tunnel: { configured: false }, sync: { configured: false }, heartbeat: { configured: false }, voice: { configured: false } });
    await page.waitForSelector('#setup-step-keys');
    expect(new URL(page.url()).hash).toBe('');
    expect(await page.isVisible('#screen-setup')).toBe(true);
    expect(await stateOf('wireguard')).toBe('done');
    expect(await stateOf('keys')).toBe('todo');
    expect(await stateOf('bundle')).toBe('blocked');
    expect(await stateOf('voice')).toBe('blocked');
    await expect(page.textContent('#setup-detail-voice')).resolves.toBe('first: Speech models');
    await expect(page.textContent('#setup-progress')).resolves.toBe('1 of 10 done');
    await screenshot(page, 'setup-empty');

    // 1. Keys: the running agent takes them (its tunnel now waits for the peer only).
    await page.click('#setup-action-keys');
    await waitState('keys', 'done');
    expect(await runtime.secrets.list()).toEqual(['tunnel.privateKey']);
    const keyed = await agent.status();
    expect(keyed.setup?.tunnel.configured).toBe(false);
    expect(keyed.tunnel.reason).not.toContain('no WireGuard key');
    await screenshot(page, 'setup-keys');

    // 2. The bundle, first into a folder that cannot be written (a read-only mount): a clear error, nothing stored.
    readOnlyDir = tempDir('jett-readonly-');
    execFileSync(resolveBinary('mount')!, ['--bind', readOnlyDir, readOnlyDir]);
    execFileSync(resolveBinary('mount')!, ['-o', 'remount,ro,bind', readOnlyDir]);
    nextBundleDir = path.join(readOnlyDir, 'jett-vps');
    await page.click('#setup-action-bundle');
    await waitState('bundle', 'error');
    await expect(page.textContent('#toast')).resolves.toContain(`cannot write the VPS bundle to ${nextBundleDir}: the disk is read-only; nothing was stored`);
    await expect(page.textContent('#setup-error-bundle')).resolves.toContain('Fix: choose a folder you can write to');
    expect(await runtime.secrets.list()).toEqual(['tunnel.privateKey']);
    await screenshot(page, 'setup-bundle-error');
    nextBundleDir = path.join(tempDir('jett-bundle-'), 'jett-vps');
    await page.click('#setup-action-bundle');
    await waitState('bundle', 'done');
    await expect(page.textContent('#toast')).resolves.toContain('stored postgres.password, heartbeat.token and qdrant.apiKey in the secret store');
    expect((await runtime.secrets.list()).sort()).toEqual(['heartbeat.token', 'postgres.password', 'qdrant.apiKey', 'tunnel.privateKey']);
    expect(fs.existsSync(path.join(nextBundleDir, 'install.sh'))).toBe(true);
    // The running agent read the new secrets: the sync and the heartbeat are no longer waiting for them.
    const bundled = await agent.status();
    expect(bundled.setup?.sync.reason).not.toContain('postgres.password');
    expect(bundled.setup?.heartbeat.reason).not.toContain('heartbeat.token');
    await screenshot(page, 'setup-bundle');

    // The VPS side, from the bundle: its wg0.conf (naming this desktop's public key) with the VPS's own key, as
    // install.sh installs it; then the services on the tunnel address, where audit live looks for them.
    const vpsKeys = generateKeyPair();
    const keyFile = path.join(tempDir('jett-vps-key-'), 'jett-vps.key');
    fs.writeFileSync(keyFile, `${vpsKeys.privateKey}\n`, { mode: 0o600 });
    const wg0 = fs.readFileSync(path.join(nextBundleDir, 'wireguard', 'wg0.conf'), 'utf8').replace(/private-key \S+/, `private-key ${keyFile}`);
    vpsIface = pair.ifaceName('v');
    await pair.wgQuickUp('vps', vpsIface, wg0);
    const ports = Object.values(SERVICE_PORTS);
    services = execa(resolveBinary('nsenter')!, [`--net=/run/netns/${pair.ns.vps}`, process.execPath, '-e', `for (const p of ${JSON.stringify(ports)}) require('net').createServer((s) => s.end()).listen(p, '${TUNNEL.vps}')`], { reject: false });

    // 3. The VPS peer: a paste that is not install.sh's line is refused and nothing is stored.
    await page.fill('#setup-peer-text', `[Interface]\nPrivateKey = ${vpsKeys.privateKey}\n`);
    await page.click('#setup-action-peer');
    await waitState('peer', 'error');
    await expect(page.textContent('#setup-error-peer')).resolves.toContain('has no `jett tunnel peer --public-key ... --endpoint ...` line');
    expect(runtime.config.load().tunnel.peerPublicKey).toBe('');
    expect(await page.content()).not.toContain(vpsKeys.privateKey.slice(0, 20));
    await screenshot(page, 'setup-peer-error');
    // What install.sh prints at its end ("say" lines, then its printf of the `jett tunnel peer` line).
    const printed = `install: done: the stack listens on ${TUNNEL.vps} (WireGuard UDP ${TUNNEL.port}) only\ninstall: on the desktop, run:\n\n  jett tunnel peer --public-key ${vpsKeys.publicKey} --endpoint ${pair.underlay.vps}:${TUNNEL.port}\n\n`;
    await page.fill('#setup-peer-text', printed);
    await page.click('#setup-action-peer');
    await waitState('peer', 'done');
    expect(runtime.config.load().tunnel).toMatchObject({ peerPublicKey: vpsKeys.publicKey, endpoint: `${pair.underlay.vps}:${TUNNEL.port}` });
    // The running agent has the peer: its tunnel is configured (and down: autoConnect is off in this config).
    const peered = await agent.status();
    expect(peered.setup?.tunnel.configured).toBe(true);
    expect(peered.tunnel.state).toBe('down');
    await screenshot(page, 'setup-peer');

    // 4. The privileged setup: this agent runs as root and brings the tunnel up from the saved settings itself, so
    // there is nothing to install (main/core/setup/facts.ts): done, with no button. The window, the tray and
    // `jett status` agree: the agent reports no installed-tunnel comparison, and nothing asks to run a setup.
    await waitState('privileged', 'done');
    await expect(page.textContent('#setup-detail-privileged')).resolves.toBe('nothing to install: Jett runs as root here and brings the tunnel up from the saved settings itself');
    expect(await page.$('#setup-action-privileged')).toBeNull();
    expect((await agent.status()).tunnelSetup).toBeUndefined();
    const cli = await jett(['status', '--json'], { home, env: { JETT_SECRET_STORE: 'file' } });
    expect(AgentStatusOutputSchema.parse(JSON.parse(cli.stdout)).status?.tunnelSetup).toBeUndefined();
    expect(fs.existsSync(path.join(installRoot, wireguardConfigPath(runtime.config.load().tunnel.interface)))).toBe(false);
    await screenshot(page, 'setup-privileged');

    // 5. Connect: the same agent, running since step 0, brings the tunnel up with the keys and peer saved since.
    await waitState('connect', 'todo');
    await page.click('#setup-action-connect');
    await checkUntil('connect', 'done');
    expect((await agent.status()).tunnel.state).toBe('up');
    await page.waitForSelector('#summary:has-text("Tunnel up")');
    await screenshot(page, 'setup-connected');

    // 6. audit live, from main: every service answers on the tunnel address, none on the public one.
    await page.click('#setup-action-audit');
    await page.waitForSelector('#setup-audit-report');
    await waitState('audit', 'done');
    const rows = await page.locator('#setup-audit-report tbody tr').allTextContents();
    expect(rows.filter((r) => r.includes(`${TUNNEL.vps}:`) && r.includes('ok'))).toHaveLength(ports.length);
    await screenshot(page, 'setup-audit');

    // 7 and 8. Models and Ollama on the Models tab (the steps' action opens it), pulled through the real pulls. The
    // speech model reaches the running agent's voice at once (the pull tells it before the window hears "done").
    expect((await agent.status()).setup?.voice.configured).toBe(false);
    await page.click('#setup-action-models');
    await page.waitForSelector(`#pull-speech-${STT.replace(/\./g, '\\.')}`);
    await page.click(`#pull-speech-${STT.replace(/\./g, '\\.')}`);
    while (!progress.some((p) => p.kind === 'speech' && p.done)) await page.waitForTimeout(200);
    expect(progress.find((p) => p.kind === 'speech' && p.done)!.error).toBeNull();
    expect((await agent.status()).setup?.voice).toMatchObject({ configured: true, next: null });
    await page.fill('#pull-name', LLM);
    await page.click('#pull-start');
    while (!progress.some((p) => p.kind === 'ollama' && p.done)) await page.waitForTimeout(200);
    expect(progress.find((p) => p.kind === 'ollama' && p.done)!.error).toBeNull();
    await page.click('#nav-setup');
    await waitState('ollama', 'done');
    await waitState('models', 'done');

    // 9. The voice turn. No speech model weights can be had here: the stand-in files make voice "configured" (they are
    // the named model's files), but the engines cannot load them, so the agent's voice is off and the step says so,
    // with nothing to press. A real turn (and the step turning done on the first answered one, kept in setup.json)
    // needs real weights: the done state is tested in test/unit/setup/checklist.test.ts.
    await waitState('voice', 'blocked');
    const voiceNow = await agent.status();
    expect(voiceNow.voice.state).toBe('off');
    await expect(page.textContent('#setup-detail-voice')).resolves.toMatch(/^voice is set up but not running: see why in JETT_HOME\/logs\/jett\.log or `jett doctor`/);
    await expect(page.textContent('#setup-progress')).resolves.toBe('9 of 10 done');
    await screenshot(page, 'setup-voice-waiting');

    // The tray's compact copy names the one step left; no secret ever reached the page.
    const reply = await page.evaluate(() => window.jett.setup.get());
    if (!reply.ok) throw new Error(reply.error.message);
    expect(reply.value.next).toBe('voice');
    expect(setupItems(reply.value).map((i) => i.label)).toEqual(['Setup: 9 of 10 done', 'Next: Try a voice turn…']);
    const html = await page.content();
    for (const name of ['tunnel.privateKey', 'postgres.password', 'heartbeat.token'] as const) expect(html).not.toContain((await runtime.secrets.get(name))!);
    expect(problems.filter((p) => !/Cross-Origin-Opener-Policy/.test(p))).toEqual([]);
  }, 600_000);
});
