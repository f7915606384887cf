// The first-run checklist in headless Chromium with a real bridge: the real preload, the real IPC registration and
// the real handler map over the real core (a temporary JETT_HOME with the 0600 file store, the real bundle generator,
// the real install plan as root, a real agent in a network namespace, WireGuard to a namespace VPS, `audit live`
// against the services listening there, models pulled from a loopback Hub, a loopback Ollama). From an empty
// JETT_HOME to every step done, with a screenshot of each state, and bad input on the way.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { attachedHandle, type AgentHandle } from '../../main/app/agent-handle.js';
import { createHandlers } from '../../main/app/ipc/handlers.js';
import type { Handlers } from '../../main/app/ipc/register.js';
import { catalogueModels, modelService } from '../../main/app/models.js';
import { privilegedStep } from '../../main/app/setup/privileged.js';
import { createSetupService } from '../../main/app/setup/service.js';
import { setupItems } from '../../main/app/tray/model.js';
import { ControlClient } from '../../main/core/control/client.js';
import type { ModelProgress } from '../../main/core/contracts/ipc.js';
import type { StatusSnapshot } from '../../main/core/contracts/status.js';
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
import { tempDir } from '../helpers/tmp.js';
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
  let agent: AgentHandle | null = null;
  let handlers: Handlers;
  let readOnlyDir = '';
  let nextBundleDir = '';
  let vpsIface = '';
  const installRoot = tempDir('jett-install-root-');
  const problems: string[] = [];
  const progress: ModelProgress[] = [];

  // Before the agent runs, its status is what the app shows for an agent that is not running.
  const notRunning = (): StatusSnapshot => ({
    agent: { pid: process.pid, version: '0.1.0', startedAt: new Date().toISOString() },
    tunnel: { state: 'down', reason: 'the agent is not running', handshakeAgeS: null, rxBytes: null, txBytes: null, probeRttMs: null, endpoint: null },
    outbox: { pending: 0, oldestPendingAgeS: null, dead: 0, lastSuccessAt: null },
    inbox: { pending: 0 },
    heartbeat: { lastSentAt: null, failures: 0 },
    voice: { state: 'off' },
  });
  const handle: AgentHandle = {
    mode: 'attached',
    status: async () => (agent ? agent.status() : notRunning()),
    on: () => () => {},
    tunnelUp: async () => {
      if (!agent) throw new Error('agent not started');
      await agent.tunnelUp();
    },
    tunnelDown: async () => void (await agent?.tunnelDown()),
    syncOnce: async () => {},
    voiceToggle: async () => {},
    systemEvent: () => {},
    reloadConfig: async (secrets) => (agent ? agent.reloadConfig(secrets) : { sections: [], needsTunnelSetup: false }),
    close: async () => void (await agent?.close()),
  };

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
    const models = modelService(() => runtime.config.load().ollama.host, () => catalogueModels(path.join(home, 'models'), hub.url));
    handlers = createHandlers({
      config: runtime.config,
      secrets: runtime.secrets,
      secretStoreNote: 'the 0600 file store in JETT_HOME (no keyring in this test)',
      agent: handle,
      statusView: async () => ({ snapshot: await handle.status(), hotkey: { accelerator: 'Ctrl+Alt+J', registered: true, error: null }, turns: [] }),
      onConfigChanged: () => {},
      chooseConfFile: async () => null,
      readConfFile: async () => '',
      writeClipboard: () => {},
      openLink: async () => ({ opened: false, reason: 'not in this test' }),
      models,
      sendModelProgress: (p) => {
        progress.push(p);
        void bridge.emit('models:progress', p);
      },
      // Not a step of the checklist: the uninstall has its own test (test/renderer/uninstall.test.ts).
      uninstall: async () => {
        throw new Error('not in this test');
      },
      setupTunnel: async () => {
        throw new Error('Windows only');
      },
      setup: createSetupService({
        runtime,
        platform: 'linux',
        env,
        agent: handle,
        models,
        wireguard: () => findWireguard({ platform: 'linux', env }),
        // The OS folder dialog, answered by the test.
        chooseBundleDir: async () => nextBundleDir,
        // As root here: the real install plan, its files under a folder instead of /.
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
  }, 300_000);

  afterAll(async () => {
    await handle.tunnelDown().catch(() => {});
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

  it('from an empty JETT_HOME to every step done, without a terminal', async () => {
    // 0. Empty: the window opens on Setup; WireGuard is found, keys come first, the tunnel steps wait.
    await page.waitForSelector('#setup-step-keys');
    expect(new URL(page.url()).hash).toBe('');
    expect(await page.isVisible('#screen-setup')).toBe(true);
    expect(await stateOf('wireguard')).toBe('done');
    expect(await stateOf('keys')).toBe('todo');
    expect(await stateOf('bundle')).toBe('blocked');
    await expect(page.textContent('#setup-progress')).resolves.toBe('1 of 9 done');
    await screenshot(page, 'setup-empty');

    // 1. Keys.
    await page.click('#setup-action-keys');
    await waitState('keys', 'done');
    expect(await runtime.secrets.list()).toEqual(['tunnel.privateKey']);
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
    await expect(page.textContent('#toast')).resolves.toContain('stored postgres.password and heartbeat.token in the secret store');
    expect((await runtime.secrets.list()).sort()).toEqual(['heartbeat.token', 'postgres.password', 'tunnel.privateKey']);
    expect(fs.existsSync(path.join(nextBundleDir, 'install.sh'))).toBe(true);
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
    await screenshot(page, 'setup-peer');

    // 4. The privileged setup: the real install plan (as root here), its files under installRoot.
    await page.click('#setup-action-privileged');
    await waitState('privileged', 'done');
    const installed = path.join(installRoot, wireguardConfigPath(runtime.config.load().tunnel.interface));
    expect(fs.statSync(installed).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(installed, 'utf8')).toContain(`PublicKey = ${vpsKeys.publicKey}`);
    await screenshot(page, 'setup-privileged');

    // 5. Connect: the agent (started now, in the desktop namespace, as the tray starts it) brings the tunnel up.
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
    // As the shell's followAgent does: each tunnel state change is pushed to the window.
    agent.on('tunnel.state', () => void handlers['status:get'](undefined).then((v) => bridge.emit('status:changed', v)));
    await page.click('#setup-refresh');
    await waitState('connect', 'todo');
    await page.click('#setup-action-connect');
    await checkUntil('connect', 'done');
    expect((await handle.status()).tunnel.state).toBe('up');
    await page.waitForSelector('#summary:has-text("Tunnel up")');
    await screenshot(page, 'setup-connected');

    // 6. audit live, from main: every service answers on the tunnel address, none on the public one.
    await page.click('#setup-action-audit');
    await page.waitForSelector('#setup-audit-report');
    await waitState('audit', 'done');
    const rows = await page.locator('#setup-audit-report tbody tr').allTextContents();
    expect(rows.filter((r) => r.includes(`${TUNNEL.vps}:`) && r.includes('ok'))).toHaveLength(ports.length);
    await screenshot(page, 'setup-audit');

    // 7 and 8. Models and Ollama on the Models tab (the steps' action opens it), pulled through the real pulls.
    await page.click('#setup-action-models');
    await page.waitForSelector(`#pull-speech-${STT.replace(/\./g, '\\.')}`);
    await page.click(`#pull-speech-${STT.replace(/\./g, '\\.')}`);
    while (!progress.some((p) => p.kind === 'speech' && p.done)) await page.waitForTimeout(200);
    expect(progress.find((p) => p.kind === 'speech' && p.done)!.error).toBeNull();
    await page.fill('#pull-name', LLM);
    await page.click('#pull-start');
    while (!progress.some((p) => p.kind === 'ollama' && p.done)) await page.waitForTimeout(200);
    expect(progress.find((p) => p.kind === 'ollama' && p.done)!.error).toBeNull();
    await page.click('#nav-setup');
    await waitState('ollama', 'done');
    await waitState('models', 'done');
    await expect(page.textContent('#setup-progress')).resolves.toBe('All 9 steps done: the tunnel is up and audited, voice is ready.');
    await screenshot(page, 'setup-done');

    // The tray's compact copy is gone once every step is done; no secret ever reached the page.
    const reply = await page.evaluate(() => window.jett.setup.get());
    if (!reply.ok) throw new Error(reply.error.message);
    expect(reply.value.next).toBeNull();
    expect(setupItems(reply.value)).toEqual([]);
    const html = await page.content();
    for (const name of ['tunnel.privateKey', 'postgres.password', 'heartbeat.token'] as const) expect(html).not.toContain((await runtime.secrets.get(name))!);
    expect(problems.filter((p) => !/Cross-Origin-Opener-Policy/.test(p))).toEqual([]);
  }, 600_000);
});
