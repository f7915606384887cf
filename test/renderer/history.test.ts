// The History screen and the voice fields' choices in headless Chromium over the real bridge (the real preload, IPC
// registration and handlers): turns listed from a real jett.db, searched, one deleted and then all, each after a
// second click, and the database checked afterwards (rows gone, outbox rows redacted with their seqs, tombstones
// queued); the microphone, model and voice fields as choices with an unknown saved value kept and marked; the
// latency chart's labelled axes; hands-free's wake word and threshold set from the Voice screen. Screenshots go to
// test/artifacts/.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Handlers } from '../../main/app/ipc/register.js';
import { REDACT_KIND } from '../../main/core/contracts/redaction.js';
import { WAKE_WORDS } from '../../main/core/contracts/wake.js';
import { openLocalDb, type LocalDb } from '../../main/core/db/local-db.js';
import { Outbox } from '../../main/core/outbox/store.js';
import { openRuntime, type Runtime } from '../../main/core/runtime.js';
import { VoiceHistory } from '../../main/core/voice/history.js';
import { KOKORO_VOICES } from '../../main/core/voice/models/kokoro-voices.js';
import { VoiceStore } from '../../main/core/voice/store.js';
import { voiceTurn } from '../helpers/event-samples.js';
import { binary, describeWith } from '../helpers/requirements.js';
import { tempDir } from '../helpers/tmp.js';
import { windowHandlers } from '../helpers/window-handlers.js';
import { FakeAgent } from '../unit/app/helpers.js';
import { doneSetup } from './done-checklist.js';
import { buildRenderer, launch, openWindow, screenshot } from './page.js';
import { connectRealBridge, realBridgeScript, type RealBridge } from './real-bridge.js';

/** An agent handle whose history is the real one, over the real database and outbox of JETT_HOME. */
class HistoryAgent extends FakeAgent {
  constructor(private readonly history: VoiceHistory) {
    super();
  }
  override async voiceHistory(query: Parameters<FakeAgent['voiceHistory']>[0]) {
    return this.history.list(query);
  }
  override async deleteVoiceHistory(what: Parameters<FakeAgent['deleteVoiceHistory']>[0]) {
    return this.history.delete(what);
  }
}

describeWith([binary('chromium')], 'voice history and choices (headless Chromium, real bridge)', () => {
  let browser: Browser;
  let rendererDir: string;
  let script: string;
  let runtime: Runtime;
  let local: LocalDb;
  let agent: HistoryAgent;
  let handlers: Handlers;
  const problems: string[] = [];

  const turn = (n: number, transcript: string, reply: string, over: Partial<ReturnType<typeof voiceTurn>> = {}) => {
    const record = { ...voiceTurn(`turn-${n}`, 300 + n * 40), transcript, reply, at: new Date(Date.UTC(2026, 10, 29, 9, n * 3)).toISOString(), ...over };
    new VoiceStore(local.db).save(record);
    new Outbox(local).append('voice.turn', record);
  };
  const outboxRows = () => local.db.prepare('SELECT seq, kind, payload FROM outbox ORDER BY seq').all() as { seq: number; kind: string; payload: string }[];

  beforeAll(async () => {
    rendererDir = tempDir('jett-renderer-');
    await buildRenderer(rendererDir);
    script = await realBridgeScript();
    browser = await launch();
    const home = tempDir('jett-history-home-');
    runtime = openRuntime({ env: { ...process.env, JETT_HOME: home, JETT_SECRET_STORE: 'file' }, platform: 'linux' });
    local = openLocalDb(runtime.paths.database);
    agent = new HistoryAgent(new VoiceHistory(local.db, new Outbox(local)));
    agent.devices = { supported: true, devices: [{ name: 'default', description: 'Default ALSA Output' }, { name: 'plughw:CARD=USB,DEV=0', description: 'USB Audio, USB Audio - Hardware device with all software conversions' }], note: null };
    // A microphone saved earlier that is not plugged in now: it must stay selected, marked.
    runtime.config.set('voice.inputDevice', 'hw:CARD=Headset,DEV=0');
    handlers = windowHandlers(runtime, agent, {
      statusView: async () => ({
        snapshot: await agent.status(),
        hotkey: { accelerator: 'Ctrl+Alt+J', registered: true, error: null },
        turns: [320, 410, 620, null, 380].map((ms, i) => ({ at: new Date(Date.UTC(2026, 10, 29, 9, i)).toISOString(), speechEndToAudioMs: ms })),
      }),
      setup: doneSetup(agent),
    });
    turn(1, 'what is the weather tomorrow', 'Sunny, around 14 degrees.');
    turn(2, 'remind me of my dentist appointment', 'It is on Thursday at 10.');
    turn(3, 'play something calm', '', { outcome: 'cancelled', reason: 'barge-in' });
    turn(4, 'how long to Leeds by train', 'About two hours.');
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    local?.close();
    expect(problems).toEqual([]);
  });

  let bridge: RealBridge;
  async function open(hash: string): Promise<Page> {
    const opened = await openWindow(browser, rendererDir, script, hash, async (p) => {
      bridge = await connectRealBridge(p, handlers, { warn: (m) => problems.push(m), error: (m) => problems.push(m) });
    });
    opened.page.on('pageerror', (e) => problems.push(e.message));
    return opened.page;
  }

  const listed = (page: Page) => page.$$eval('#history-list .turn', (els) => els.map((e) => e.getAttribute('data-id')));

  it('lists past turns newest first with time, transcript, reply, outcome and stage latencies, and searches them', async () => {
    const page = await open('#history');
    await page.waitForSelector('#history-list .turn');
    expect(await listed(page)).toEqual(['turn-4', 'turn-3', 'turn-2', 'turn-1']);
    const first = page.locator('#history-list .turn').first();
    await expect(first.locator('.said').textContent()).resolves.toBe('You said: how long to Leeds by train');
    await expect(first.locator('.reply').textContent()).resolves.toBe('Jett: About two hours.');
    await expect(first.locator('.pill').textContent()).resolves.toBe('Answered');
    await expect(first.locator('time').getAttribute('datetime')).resolves.toBe('2026-11-29T09:12:00.000Z');
    await expect(first.locator('.latency').textContent()).resolves.toBe(
      'Speech end to first audio 460 ms; after the end of the turn: transcript 90 ms · first token 240 ms · first sentence 310 ms · first audio made 380 ms · playback -240 ms',
    );
    await expect(page.locator('[data-id="turn-3"] .pill').textContent()).resolves.toBe('Cancelled');
    await screenshot(page, 'history');

    await page.fill('#history-search', 'DENTIST');
    await page.waitForFunction(() => document.querySelectorAll('#history-list .turn').length === 1);
    expect(await listed(page)).toEqual(['turn-2']);
    // "Delete all" deletes every turn, not what a search shows: it is not offered while searching.
    expect(await page.locator('#history-delete-all').count()).toBe(0);
    await page.fill('#history-search', 'nothing like this');
    await expect(page.textContent('#history-empty')).resolves.toBe('No turn mentions "nothing like this".');
    await screenshot(page, 'history-search-empty');
  });

  it('deletes one turn after a second click: gone from the list and jett.db, its outbox row redacted in place, a tombstone queued', async () => {
    const page = await open('#history');
    await page.waitForSelector('#history-list .turn');
    const button = page.locator('[data-id="turn-2"] .delete-turn');
    await button.click();
    await expect(button.textContent()).resolves.toBe('Click again to delete');
    expect(await listed(page)).toContain('turn-2');
    await button.click();
    await page.waitForFunction(() => !document.querySelector('[data-id="turn-2"]'));
    await expect(page.textContent('#toast')).resolves.toContain('1 turn deleted here');
    expect(await listed(page)).toEqual(['turn-4', 'turn-3', 'turn-1']);
    const rows = outboxRows();
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(JSON.parse(rows[1]!.payload)).toEqual({ id: 'turn-2', redacted: true });
    expect(rows[4]).toMatchObject({ kind: REDACT_KIND });
    expect(JSON.stringify(rows)).not.toContain('dentist');
    await screenshot(page, 'history-deleted-one');
  });

  it('deletes all turns after a second click; the outbox keeps every seq, each turn redacted', async () => {
    const page = await open('#history');
    await page.waitForSelector('#history-delete-all');
    await page.click('#history-delete-all');
    await expect(page.textContent('#history-delete-all')).resolves.toBe('Click again to delete every turn');
    await screenshot(page, 'history-delete-all-confirm');
    await page.click('#history-delete-all');
    await page.waitForSelector('#history-empty');
    await expect(page.textContent('#history-empty')).resolves.toContain('No voice turns yet');
    const rows = outboxRows();
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(rows.filter((r) => r.kind === 'voice.turn').map((r) => JSON.parse(r.payload))).toEqual([1, 2, 3, 4].map((n) => ({ id: `turn-${n}`, redacted: true })));
    expect(JSON.parse(rows[5]!.payload)).toMatchObject({ kind: 'voice.turn', all: true });
    expect(local.db.prepare('SELECT count(*) AS n FROM voice_turns').get()).toEqual({ n: 0 });
    await screenshot(page, 'history-empty');
  });

  it('pages back through older turns, and lists a turn answered while the screen is open', async () => {
    for (let n = 10; n < 65; n++) turn(n, `question number ${n}`, `answer ${n}`, { at: new Date(Date.UTC(2026, 10, 28, 0, n)).toISOString() });
    const page = await open('#history');
    await page.waitForSelector('#history-more');
    expect(await listed(page)).toHaveLength(50);
    expect((await listed(page))[0]).toBe('turn-64');
    await page.click('#history-more');
    await page.waitForFunction(() => document.querySelectorAll('#history-list .turn').length === 55);
    expect(await page.locator('#history-more').count()).toBe(0);
    // The agent answers a turn: the shell pushes the new status (its last turn), and the list follows.
    const status = await handlers['status:get'](undefined);
    await bridge.emit('status:changed', status);
    turn(99, 'a question just now', 'An answer just now.', { at: '2026-11-30T08:00:00.000Z' });
    await bridge.emit('status:changed', { ...status, turns: [...status.turns, { at: '2026-11-30T08:00:00.000Z', speechEndToAudioMs: 390 }] });
    await page.waitForFunction(() => document.querySelector('#history-list .turn')?.getAttribute('data-id') === 'turn-99');
  });

  it('offers the microphones, speech models, voices and LLMs as choices, keeping an unknown saved value marked', async () => {
    const page = await open('#voice');
    await page.waitForSelector('#voice-forms[data-choices="loaded"]');
    const options = (id: string) => page.$$eval(`#${id} option`, (els) => els.map((e) => ({ value: (e as HTMLOptionElement).value, label: e.textContent, unknown: e.classList.contains('unknown'), selected: (e as HTMLOptionElement).selected })));
    expect(await options('voice-inputDevice')).toEqual([
      { value: 'default', label: "default — the system's default microphone", unknown: false, selected: false },
      { value: 'plughw:CARD=USB,DEV=0', label: 'plughw:CARD=USB,DEV=0 — USB Audio, USB Audio - Hardware device with all software conversions', unknown: false, selected: false },
      { value: 'hw:CARD=Headset,DEV=0', label: 'hw:CARD=Headset,DEV=0 (not connected now)', unknown: true, selected: true },
    ]);
    const stt = await options('models-stt');
    expect(stt.find((o) => o.selected)).toMatchObject({ value: 'whisper-base', label: 'whisper-base (not downloaded)', unknown: false });
    expect(stt.every((o) => /^whisper/.test(o.value))).toBe(true);
    expect((await options('models-tts')).map((o) => o.value)).toEqual(['', 'kokoro-82m']);
    expect((await options('models-ttsVoice')).map((o) => o.value)).toEqual([...KOKORO_VOICES]);
    expect(await options('ollama-model')).toEqual([{ value: 'llama3.2:3b', label: 'llama3.2:3b (Ollama not reachable)', unknown: true, selected: true }]);
    await screenshot(page, 'voice-choices');

    await page.selectOption('#voice-inputDevice', 'plughw:CARD=USB,DEV=0');
    await page.click('#voice-save');
    await page.waitForFunction(() => document.querySelector('#toast')?.textContent === 'Voice settings saved');
    // A save redraws the screen from the saved settings; the choices arrive again.
    await page.waitForSelector('#voice-forms[data-choices="loaded"]');
    expect((await options('voice-inputDevice')).find((o) => o.selected)).toMatchObject({ value: 'plughw:CARD=USB,DEV=0', unknown: false });
    await page.selectOption('#models-ttsVoice', 'bf_emma');
    await page.click('#models-save');
    await page.waitForFunction(() => document.querySelector('#toast')?.textContent === 'Engine settings saved');
    expect(runtime.config.load().voice.inputDevice).toBe('plughw:CARD=USB,DEV=0');
    expect(runtime.config.load().models.ttsVoice).toBe('bf_emma');
  });

  it("sets hands-free from the Voice screen: activation, wake word and threshold as controls, checked again in main", async () => {
    agent.current = { ...agent.current, voice: { state: 'idle', wake: { listening: 'paused', word: 'hey_jarvis', threshold: 0.5, detections: 3, falseWakes: 1, reason: null } } };
    const page = await open('#voice');
    await page.waitForSelector('#voice-forms[data-choices="loaded"]');
    await expect(page.textContent('#wake-note')).resolves.toBe('Hands-free paused: not listening for "hey jarvis" until you resume it from the tray (threshold 0.5; 3 detections, 1 false wake since the agent started).');
    const options = (id: string) => page.$$eval(`#${id} option`, (els) => els.map((e) => (e as HTMLOptionElement).value));
    expect(await options('voice-activation')).toEqual(['hotkey', 'handsFree', 'pushToTalk']);
    expect(await options('voice-wakeWord')).toEqual([...WAKE_WORDS, 'none']);
    await expect(page.inputValue('#voice-wakeWord')).resolves.toBe('hey_jarvis');
    await expect(page.inputValue('#voice-wakeThreshold')).resolves.toBe('0.5');
    await page.selectOption('#voice-activation', 'handsFree');
    await page.selectOption('#voice-wakeWord', 'alexa');
    await page.fill('#voice-wakeThreshold', '1.5');
    await page.click('#voice-save');
    await expect(page.textContent('#voice-wakeThreshold-error')).resolves.toBe('at most 1: scores never exceed 1');
    // Past the form's own check, main refuses the same value through the real IPC with the same message.
    const refused = await page.evaluate(() => window.jett.settings.save('voice', { wakeThreshold: 1.5, wakeWord: 'hey_siri' }));
    expect(refused.ok).toBe(false);
    expect(JSON.stringify(refused)).toContain('at most 1: scores never exceed 1');
    expect(runtime.config.load().voice).toMatchObject({ wakeWord: 'hey_jarvis', wakeThreshold: 0.5 });
    await page.fill('#voice-wakeThreshold', '0.65');
    await screenshot(page, 'voice-hands-free');
    await page.click('#voice-save');
    await page.waitForFunction(() => document.querySelector('#toast')?.textContent === 'Voice settings saved');
    expect(runtime.config.load().voice).toMatchObject({ activation: 'handsFree', wakeWord: 'alexa', wakeThreshold: 0.65 });
  });

  it('draws the latency chart on labelled axes', async () => {
    const page = await open('#status');
    await page.waitForSelector('#latency-chart');
    await expect(page.textContent('#latency-y-label')).resolves.toBe('ms to first audio');
    await expect(page.textContent('#latency-x-label')).resolves.toBe('last 5 turns, oldest to newest');
    expect(await page.$$eval('#latency-chart .tick-label', (els) => els.map((e) => e.textContent))).toEqual(['0', '250', '500']);
    expect(await page.locator('#latency-chart rect').count()).toBe(5);
    await screenshot(page, 'status-latency-axes');
  });
});
