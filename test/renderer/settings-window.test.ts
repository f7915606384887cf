// The settings window in headless Chromium against a fake bridge that implements the IPC contract: each screen,
// key generation and import, settings saved and refused, live status, and a screenshot of every screen.
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { INVOKE_CHANNELS } from '../../main/core/contracts/ipc.js';
import { binary, describeWith } from '../helpers/requirements.js';
import { fakeBridgeWindows } from './fake-bridge-windows.js';
import { screenshot } from './page.js';

const VPS_KEY = 'HIgo9xNzJMWLKASShiTqIybxZ0U3wGLiUeJ1PKf8ykw=';

describeWith([binary('chromium')], 'settings window (headless Chromium, fake bridge)', () => {
  const { open, problems } = fakeBridgeWindows();

  const calls = (page: Page) => page.evaluate(() => window.__fake.calls.map((c) => c.channel));

  it('shows live status: tunnel state, handshake age, backlog, the latency chart', async () => {
    const page = await open('#status');
    await expect(page.textContent('#tunnel-state')).resolves.toBe('Down');
    expect(await page.isDisabled('#open-n8n')).toBe(true);
    await page.evaluate(() => {
      window.__fake.pushStatus({ tunnel: { state: 'up', reason: 'probe answered', handshakeAgeS: 12, rxBytes: 48_213, txBytes: 91_002, probeRttMs: 31, endpoint: 'vps.example.org:51820' }, outbox: { pending: 3, oldestPendingAgeS: 400 } });
      for (const ms of [310, 420, 380, 650, null, 290]) window.__fake.pushStatus({ turnMs: ms });
    });
    await expect(page.textContent('#tunnel-state')).resolves.toBe('Up');
    await expect(page.textContent('#handshake-age')).resolves.toBe('12 s ago');
    await expect(page.textContent('#outbox-pending')).resolves.toBe('3');
    await expect(page.textContent('#summary')).resolves.toContain('Tunnel up');
    expect(await page.locator('#latency-chart rect').count()).toBe(6);
    expect(await page.locator('#latency-chart rect.slow').count()).toBe(1);
    await expect(page.textContent('#last-turn')).resolves.toContain('290 ms');
    // The links open only while the tunnel is up.
    await page.click('#open-n8n');
    await expect(page.textContent('#toast')).resolves.toBe('Opened n8n in the browser');
    expect(await page.evaluate(() => window.__fake.calls.filter((c) => c.channel === 'links:open').map((c) => c.arg))).toEqual([{ target: 'n8n' }]);
    await screenshot(page, 'status');
  });

  it('shows a refused heartbeat with the webhook\'s reason until an accepted one clears it', async () => {
    const page = await open('#status');
    expect(await page.locator('#heartbeat-error').count()).toBe(0);
    const reason = 'the webhook answered HTTP 400: interval_s must be a whole number of seconds from 1 to 3600, not 5000';
    await page.evaluate((lastError) => window.__fake.pushStatus({ heartbeat: { lastSentAt: '2026-11-27T09:59:00.000Z', failures: 1, lastError } }), reason);
    await expect(page.textContent('#heartbeat-error')).resolves.toBe(reason);
    await page.evaluate(() => window.__fake.pushStatus({ heartbeat: { lastSentAt: '2026-11-27T10:00:00.000Z', failures: 1, lastError: null } }));
    await page.waitForSelector('#heartbeat-error', { state: 'detached' });
  });

  it('shows services never set up as "Not configured" with the next step, without a Connect button', async () => {
    const page = await open('#status');
    await page.evaluate(() => {
      const unset = (reason: string, next: string) => ({ configured: false, reason, next });
      window.__fake.pushStatus({
        tunnel: { state: 'unconfigured', reason: 'this desktop has no WireGuard key yet' },
        voice: { state: 'off' },
        setup: {
          tunnel: unset('this desktop has no WireGuard key yet (missing this desktop\'s WireGuard key, the VPS public key (tunnel.peerPublicKey), the VPS endpoint (tunnel.endpoint))', 'run `jett keys generate` or press Generate keys in Settings > Tunnel'),
          sync: unset('no database password yet (secret postgres.password)', 'make the VPS bundle (`jett vps bundle --out FOLDER`), or `jett secret set postgres.password`'),
          heartbeat: unset('no heartbeat token yet (secret heartbeat.token)', 'make the VPS bundle (`jett vps bundle --out FOLDER`), or `jett secret set heartbeat.token`'),
          voice: unset('speech models not downloaded: whisper-base (speech-to-text) and kokoro-82m (text-to-speech)', 'download them on the Models screen (Pull), or run `jett models pull whisper-base` and `jett models pull kokoro-82m`'),
        },
      });
    });
    await expect(page.textContent('#tunnel-state')).resolves.toBe('Not configured');
    await expect(page.textContent('#tunnel-setup-state')).resolves.toMatch(/^Not configured — this desktop has no WireGuard key yet .*Next: run `jett keys generate`/);
    await expect(page.textContent('#sync-setup-state')).resolves.toContain('Next: make the VPS bundle');
    await expect(page.textContent('#heartbeat-setup-state')).resolves.toContain('no heartbeat token yet');
    await expect(page.textContent('#voice-setup-state')).resolves.toContain('`jett models pull whisper-base`');
    await expect(page.textContent('#voice-state')).resolves.toBe('not configured');
    await expect(page.textContent('#summary')).resolves.toContain('Tunnel not configured');
    // Nothing to connect yet: no Connect button that could only fail, and the pill is not the red of a failure.
    expect(await page.locator('#tunnel-up').count()).toBe(0);
    expect(await page.locator('#tunnel-state.unconfigured').count()).toBe(1);
    await screenshot(page, 'status-not-configured');
  });

  it('generates keys: shows the public key and fingerprint, never a private key', async () => {
    const page = await open('#tunnel');
    await expect(page.textContent('#no-keys')).resolves.toContain('No keys yet');
    await page.click('#generate-keys');
    await page.waitForSelector('#public-key');
    await expect(page.textContent('#public-key')).resolves.toMatch(/^[A-Za-z0-9+/]{43}=$/);
    await expect(page.textContent('#fingerprint')).resolves.toMatch(/^[0-9a-f]{4}(-[0-9a-f]{4}){3}$/);
    await expect(page.textContent('#private-key-state')).resolves.toBe('private key stored');
    await page.click('#copy-public-key');
    expect(await page.evaluate(() => window.__fake.clipboard)).toBe(await page.textContent('#public-key'));
    await page.click('#show-peer');
    await page.waitForSelector('#peer-text');
    await expect(page.textContent('#peer-text')).resolves.toContain('[Peer]');
    expect(await page.locator('#peer-qr').count()).toBe(1);
    expect(await page.content()).not.toMatch(/PrivateKey|PresharedKey/);
    await screenshot(page, 'tunnel');
    // Replacing keys takes a second, deliberate click.
    const before = await page.textContent('#public-key');
    await page.click('#generate-keys');
    await expect(page.textContent('#generate-keys')).resolves.toContain('Click again');
    await page.click('#generate-keys');
    await page.waitForFunction((old) => document.querySelector('#public-key')?.textContent !== old, before);
  });

  it('imports a .conf: the public fields fill the form, a preshared key is flagged but not shown', async () => {
    const page = await open('#tunnel');
    await page.evaluate((key) => {
      window.__fake.nextImport = { file: '/home/user/jett.conf', address: '10.0.0.1/24', peerPublicKey: key, peerAddress: '10.0.0.2', endpoint: 'vps.example.org:51820', keepalive: 25 };
    }, VPS_KEY);
    await page.click('#import-conf');
    await page.waitForSelector('#public-key');
    await expect(page.inputValue('#tunnel-endpoint')).resolves.toBe('vps.example.org:51820');
    await expect(page.inputValue('#tunnel-peerPublicKey')).resolves.toBe(VPS_KEY);
    await expect(page.textContent('#toast')).resolves.toContain('Imported /home/user/jett.conf');
    await page.click('#show-peer');
    await page.waitForSelector('#peer-text');
    await expect(page.textContent('#peer-area')).resolves.toContain('preshared key is set');
    expect(await page.textContent('#peer-text')).not.toContain('PresharedKey');
    await screenshot(page, 'tunnel-imported');
  });

  it("the checklist's voice step, once voice is ready, starts a turn with the voice toggle", async () => {
    const page = await open('#setup');
    await page.waitForSelector('#setup-step-voice[data-state="blocked"]');
    await page.evaluate(() => void (window.__fake.voiceReady = true));
    await page.click('#setup-refresh');
    await page.waitForSelector('#setup-step-voice[data-state="todo"]');
    await page.click('#setup-action-voice');
    await page.waitForFunction(() => document.querySelector('#toast')?.textContent?.startsWith('Listening'));
    expect(await calls(page)).toContain('voice:toggle');
  });

  it('runs the privileged tunnel setup from the window, and says to sign in again', async () => {
    const page = await open('#tunnel');
    await page.click('#generate-keys');
    await page.waitForSelector('#public-key');
    await page.click('#tunnel-setup');
    await page.waitForFunction(() => document.querySelector('#toast')?.textContent?.includes('sign out'));
    expect(await calls(page)).toContain('tunnel:setup');
    await expect(page.textContent('#toast')).resolves.toContain('sign out of Windows and in again');
  });

  it('shows the schema\'s validation messages and saves nothing invalid', async () => {
    const page = await open('#tunnel');
    await page.fill('#tunnel-endpoint', 'not an endpoint');
    await page.fill('#tunnel-keepalive', '99999999');
    await page.click('#tunnel-save');
    await expect(page.textContent('#tunnel-endpoint-error')).resolves.toBe('expected HOST:PORT, e.g. vps.example.org:51820');
    await expect(page.textContent('#tunnel-keepalive-error')).resolves.toMatch(/65535/);
    expect(await calls(page)).not.toContain('settings:save');
    await screenshot(page, 'tunnel-validation');
    await page.fill('#tunnel-endpoint', 'vps.example.org:51820');
    await page.fill('#tunnel-keepalive', '25');
    await expect(page.textContent('#tunnel-endpoint-error')).resolves.toBe('');
    await page.click('#tunnel-save');
    await expect(page.textContent('#toast')).resolves.toBe('Tunnel settings saved');
    const saved = await page.evaluate(() => window.__fake.calls.find((c) => c.channel === 'settings:save')?.arg);
    expect(INVOKE_CHANNELS['settings:save'].args.parse(saved)).toMatchObject({ section: 'tunnel', values: { endpoint: 'vps.example.org:51820', keepalive: 25 } });
  });

  it('not root: a tunnel save that leaves the installed setup behind says to run the setup again, and the status shows it', async () => {
    const page = await open('#tunnel');
    await page.evaluate(() => void (window.__fake.installedSetup = true));
    await page.fill('#tunnel-endpoint', 'vps2.example.org:51820');
    await page.click('#tunnel-save');
    await page.waitForFunction(() => document.querySelector('#toast')?.textContent?.includes('run the setup again'));
    await expect(page.textContent('#toast')).resolves.toMatch(/^Saved\. The tunnel runs from what the privileged setup installed, which these settings no longer match/);
    await screenshot(page, 'tunnel-setup-needed');
    await page.click('#nav-status');
    await page.waitForSelector('#tunnel-setup-state');
    await expect(page.textContent('#tunnel-setup-state')).resolves.toMatch(/^The running tunnel uses older settings.*Run the tunnel setup again: `jett tunnel install --elevate`/);
    await screenshot(page, 'status-tunnel-setup-outdated');
  });

  it('saves VPS service settings; a password is write-only', async () => {
    const page = await open('#services');
    await page.fill('#postgres-database', 'jett_prod');
    await page.click('#postgres-save');
    await expect(page.textContent('#toast')).resolves.toBe('PostgreSQL settings saved');
    await expect(page.inputValue('#postgres-database')).resolves.toBe('jett_prod');
    await expect(page.textContent('#secret-postgres-password-state')).resolves.toBe('not set');
    await page.fill('#secret-postgres-password', 'correct horse battery staple');
    await page.click('#secret-postgres-password-set');
    await expect(page.textContent('#secret-postgres-password-state')).resolves.toBe('stored');
    await expect(page.inputValue('#secret-postgres-password')).resolves.toBe('');
    expect(await page.content()).not.toContain('correct horse');
    await page.fill('#heartbeat-url', 'ftp://example');
    await page.click('#heartbeat-save');
    await expect(page.textContent('#heartbeat-url-error')).resolves.toBe('expected an http:// or https:// URL');
    await screenshot(page, 'services');
  });

  it('reports a hotkey another program holds, and validates voice settings', async () => {
    const page = await open('#voice');
    await expect(page.textContent('#hotkey-note')).resolves.toContain('Ctrl+Alt+J is registered');
    await page.evaluate(() => window.__fake.setHotkey({ accelerator: 'Ctrl+Alt+J', registered: false, error: 'Ctrl+Alt+J is held by another program; close it or choose another hotkey under Voice' }));
    await expect(page.textContent('#hotkey-note')).resolves.toContain('held by another program');
    await expect(page.textContent('#summary')).resolves.toContain('voice idle');
    await page.fill('#voice-silenceMs', '50');
    await page.click('#voice-save');
    await expect(page.textContent('#voice-silenceMs-error')).resolves.toMatch(/100/);
    await screenshot(page, 'voice');
    await expect(page.inputValue('#models-stt')).resolves.toBe('whisper-base');
    await page.fill('#voice-silenceMs', '350');
    await page.fill('#voice-hotkey', 'Ctrl+Alt+K');
    await page.click('#voice-save');
    await expect(page.textContent('#hotkey-note')).resolves.toContain('Ctrl+Alt+K is registered');
  });

  it('says whether hold-to-talk runs and why barge-in is off', async () => {
    const page = await open('#voice');
    await page.evaluate(() => {
      // The voice screen is drawn again when the hotkey's view changes: the status first, then the hotkey.
      window.__fake.pushStatus({ voice: { state: 'idle', bargeIn: { active: false, reason: "off: nothing keeps the reply's own voice out of the microphone (the echo canceller was not measured), and Jett cannot see this capture path's playback; use headphones and set voice.bargeIn to on" } } });
      window.__fake.setHotkey({ accelerator: 'Ctrl+Alt+J', registered: true, error: null, hold: { active: false, reason: 'hold-to-talk is not available under Wayland: a key hook sees no keys pressed in other windows there, so the hotkey toggles instead (log in to an X11 session for hold-to-talk)' } });
    });
    await expect(page.textContent('#hold-note')).resolves.toContain('Hold-to-talk unavailable: hold-to-talk is not available under Wayland');
    await expect(page.textContent('#barge-in-note')).resolves.toContain('Barge-in off: off: nothing keeps');
    await page.evaluate(() => {
      window.__fake.pushStatus({ voice: { state: 'idle', bargeIn: { active: true, reason: 'on: Jett discounts speech that matches what it plays' } } });
      window.__fake.setHotkey({ accelerator: 'Ctrl+Alt+J', registered: true, error: null, hold: { active: true, reason: null } });
    });
    await expect(page.textContent('#hold-note')).resolves.toContain('Hold Ctrl+Alt+J to talk');
    await expect(page.textContent('#barge-in-note')).resolves.toContain('Barge-in on');
  });

  it('lists models and shows pull progress', async () => {
    const page = await open();
    await page.evaluate(() => {
      window.__fake.models = {
        models: [{ name: 'llama3.2:3b', sizeBytes: 2_019_393_189 }, { name: 'qwen2.5:7b', sizeBytes: 4_683_087_332 }],
        error: null,
        speech: {
          dir: '/home/user/.config/Jett/models',
          models: [
            { name: 'whisper-base', task: 'stt', sizeBytes: 290_000_000, state: 'installed' },
            { name: 'whisper-small', task: 'stt', sizeBytes: 967_000_000, state: 'partial' },
            { name: 'kokoro-82m', task: 'tts', sizeBytes: 330_000_000, state: 'not-installed' },
          ],
          error: null,
        },
      };
    });
    await page.click('#nav-models');
    await page.waitForSelector('table.models');
    await expect(page.textContent('#model-list')).resolves.toContain('llama3.2:3b');
    await expect(page.textContent('#model-list')).resolves.toContain('1.9 GiB');
    await page.fill('#pull-name', 'phi4-mini');
    await page.click('#pull-start');
    await page.evaluate(() => window.__fake.emitProgress({ kind: 'ollama', name: 'phi4-mini', status: 'pulling 3b8f', completedBytes: 1_000_000_000, totalBytes: 2_500_000_000, done: false, error: null }));
    await expect(page.textContent('#pull-progress')).resolves.toContain('40% of 2.3 GiB');
    await expect(page.textContent('#speech-list')).resolves.toContain('whisper-small');
    await page.click('#pull-speech-kokoro-82m');
    await page.evaluate(() => window.__fake.emitProgress({ kind: 'speech', name: 'kokoro-82m', status: 'download onnx/model.onnx', completedBytes: 82_500_000, totalBytes: 330_000_000, done: false, error: null }));
    await expect(page.textContent('#pull-progress')).resolves.toContain('25% of');
    const pulled = await page.evaluate(() => window.__fake.calls.filter((c) => c.channel === 'models:pull').map((c) => c.arg));
    expect(pulled).toEqual([{ kind: 'ollama', name: 'phi4-mini' }, { kind: 'speech', name: 'kokoro-82m' }]);
    await screenshot(page, 'models');
  });

  it('runs under the strict CSP: nothing was refused on any screen, inline script and fetches are', async () => {
    // Chromium ignores COOP on the test's plain-http origin (jett:// is registered as secure in the app).
    const coop = /Cross-Origin-Opener-Policy header has been ignored/;
    expect(problems.flat().filter((p) => !coop.test(p)).join('\n')).toBe('');
    const page = await open();
    const mine = problems.at(-1)!;
    const fetched = await page.evaluate(async () => (await fetch(location.href).catch(() => null)) !== null);
    expect(fetched).toBe(false);
    const ran = await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__inline = 1';
      document.body.append(s);
      return (window as unknown as { __inline?: number }).__inline ?? null;
    });
    expect(ran).toBeNull();
    expect(mine.some((p) => /Refused to connect/.test(p))).toBe(true);
    expect(mine.some((p) => /Executing inline script violates/.test(p))).toBe(true);
  });

  it('left a screenshot of every screen', () => {
    for (const name of ['status', 'tunnel', 'services', 'voice', 'models']) {
      expect(fs.statSync(`test/artifacts/${name}.png`).size).toBeGreaterThan(5000);
    }
  });
});
