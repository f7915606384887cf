// The Memory screen in headless Chromium over the real bridge (the real preload, IPC registration and handlers) and
// the agent's real memory view (MemoryBrowser over a real jett.db with sqlite-vec): items listed newest first with
// kind and privacy, searched by meaning with a stand-in embedder, one forgotten after a second click and jett.db
// checked afterwards (text overwritten, outbox payload redacted in place, a tombstone queued), and the clear state
// when the embedding model is not downloaded (listing still works). Screenshots go to test/artifacts/.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Handlers } from '../../main/app/ipc/register.js';
import { REDACT_KIND } from '../../main/core/contracts/redaction.js';
import { openLocalDb, type LocalDb } from '../../main/core/db/local-db.js';
import { EventBus } from '../../main/core/events/bus.js';
import { MemoryBrowser } from '../../main/core/memory/browser.js';
import { MEMORY_DIMS, type TextEmbedder } from '../../main/core/memory/embedder.js';
import { MemoryStore } from '../../main/core/memory/store.js';
import { Outbox } from '../../main/core/outbox/store.js';
import { openRuntime, type Runtime } from '../../main/core/runtime.js';
import { binary, describeWith } from '../helpers/requirements.js';
import { tempDir } from '../helpers/tmp.js';
import { windowHandlers } from '../helpers/window-handlers.js';
import { FakeAgent } from '../unit/app/helpers.js';
import { doneSetup } from './done-checklist.js';
import { buildRenderer, launch, openWindow, screenshot } from './page.js';
import { connectRealBridge, realBridgeScript } from './real-bridge.js';

/** A stand-in for the embedding model: each word lights one dimension, so texts sharing words are near. */
const wordsEmbedder: TextEmbedder = {
  name: 'words (test stand-in)',
  model: 'all-minilm-l6-v2',
  dims: MEMORY_DIMS,
  embed: async (text) => {
    const v = new Float32Array(MEMORY_DIMS);
    for (const w of text.toLowerCase().match(/[a-z]+/g) ?? []) v[[...w].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % MEMORY_DIMS, 7)]! += 1;
    const norm = Math.hypot(...v) || 1;
    return v.map((x) => x / norm);
  },
};

/** An agent handle whose memory view is the agent's, over the real database and outbox of JETT_HOME. */
class MemoryAgent extends FakeAgent {
  modelDownloaded = true;
  constructor(private readonly browser: () => MemoryBrowser) {
    super();
  }
  override async memoryList(query: Parameters<FakeAgent['memoryList']>[0]) {
    return this.browser().list(query);
  }
  override async memoryForget(what: Parameters<FakeAgent['memoryForget']>[0]) {
    return this.browser().forget(what);
  }
}

describeWith([binary('chromium')], 'memory view (headless Chromium, real bridge)', () => {
  let browser: Browser;
  let rendererDir: string;
  let script: string;
  let runtime: Runtime;
  let local: LocalDb;
  let agent: MemoryAgent;
  let handlers: Handlers;
  const problems: string[] = [];
  const ids: Record<string, string> = {};
  const outboxRows = () => local.db.prepare('SELECT seq, kind, payload FROM outbox ORDER BY seq').all() as { seq: number; kind: string; payload: string }[];

  beforeAll(async () => {
    rendererDir = tempDir('jett-renderer-');
    await buildRenderer(rendererDir);
    script = await realBridgeScript();
    browser = await launch();
    runtime = openRuntime({ env: { ...process.env, JETT_HOME: tempDir('jett-memory-home-'), JETT_SECRET_STORE: 'file' }, platform: 'linux' });
    local = openLocalDb(runtime.paths.database);
    const outbox = new Outbox(local);
    let minute = 0;
    const store = new MemoryStore(local.db, { outbox, now: () => new Date(Date.UTC(2026, 10, 29, 9, (minute += 5))) });
    const keep = async (key: string, text: string, kind: 'turn' | 'fact', priv = false) => {
      ids[key] = store.add({ kind, text, vector: await wordsEmbedder.embed(text), model: wordsEmbedder.model, private: priv }).id;
    };
    await keep('weather', 'Q: what is the weather tomorrow\nA: Sunny, around 14 degrees.', 'turn');
    await keep('plumber', 'The plumber comes on Tuesday.', 'fact');
    await keep('pin', 'The garage door code is 4512.', 'fact', true);
    await keep('train', 'Q: how long to Leeds by train\nA: About two hours.', 'turn');
    const bus = new EventBus();
    const config = () => runtime.config.load();
    const withModel = new MemoryBrowser({ db: local.db, outbox, bus, config, modelsHome: runtime.paths.models, load: async () => wordsEmbedder });
    const withoutModel = new MemoryBrowser({ db: local.db, outbox, bus, config, modelsHome: runtime.paths.models });
    agent = new MemoryAgent(() => (agent.modelDownloaded ? withModel : withoutModel));
    handlers = windowHandlers(runtime, agent, { setup: doneSetup(agent) });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    local?.close();
    expect(problems).toEqual([]);
  });

  async function open(): Promise<Page> {
    const opened = await openWindow(browser, rendererDir, script, '#memory', async (p) => {
      await connectRealBridge(p, handlers, { warn: (m) => problems.push(m), error: (m) => problems.push(m) });
    });
    opened.page.on('pageerror', (e) => problems.push(e.message));
    return opened.page;
  }
  const listed = (page: Page) => page.$$eval('#memory-list .memory-item', (els) => els.map((e) => e.getAttribute('data-id')));

  it('lists what Jett remembers newest first, with time, kind and privacy, and searches it by meaning', async () => {
    const page = await open();
    await page.waitForSelector('#memory-list .memory-item');
    expect(await page.getAttribute('#nav-memory', 'aria-current')).toBe('page');
    expect(await listed(page)).toEqual([ids.train, ids.pin, ids.plumber, ids.weather]);
    const pin = page.locator(`[data-id="${ids.pin}"]`);
    await expect(pin.locator('.memory-text').textContent()).resolves.toBe('The garage door code is 4512.');
    await expect(pin.locator('.pill.private').textContent()).resolves.toBe('Private');
    await expect(pin.locator('time').getAttribute('datetime')).resolves.toBe('2026-11-29T09:15:00.000Z');
    await expect(page.locator(`[data-id="${ids.plumber}"] .pill.kind-fact`).textContent()).resolves.toBe('Asked to remember');
    await expect(page.locator(`[data-id="${ids.train}"] .pill.kind-turn`).textContent()).resolves.toBe('Conversation');
    await screenshot(page, 'memory');

    await page.fill('#memory-search', 'when does the plumber come');
    await page.waitForFunction((id) => document.querySelector('#memory-list .memory-item')?.getAttribute('data-id') === id, ids.plumber);
    expect(await listed(page)).toHaveLength(4);
  });

  it('forgets one item after a second click: gone from the list, its text overwritten in jett.db, its outbox row redacted, a tombstone queued', async () => {
    const page = await open();
    await page.waitForSelector('#memory-list .memory-item');
    const button = page.locator(`[data-id="${ids.plumber}"] .forget-item`);
    await button.click();
    await expect(button.textContent()).resolves.toBe('Click again to forget');
    expect(await listed(page)).toContain(ids.plumber);
    await button.click();
    await page.waitForFunction((id) => !document.querySelector(`[data-id="${id}"]`), ids.plumber);
    await expect(page.textContent('#toast')).resolves.toContain('Forgotten here; the VPS forgets it');
    expect(await listed(page)).toEqual([ids.train, ids.pin, ids.weather]);
    expect(local.db.prepare('SELECT text, forgotten_at IS NOT NULL AS gone FROM memory_items WHERE id = ?').get(ids.plumber)).toEqual({ text: '', gone: 1 });
    const rows = outboxRows();
    // Three shared items were queued (the private one never was), then the tombstone.
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
    expect(rows[3]).toMatchObject({ kind: REDACT_KIND });
    expect(JSON.stringify(rows)).not.toContain('plumber');
    expect(JSON.stringify(rows)).not.toContain('4512');
  });

  it('without the embedding model: listing still works, a search says why it cannot run and what to do', async () => {
    agent.modelDownloaded = false;
    const page = await open();
    await page.waitForSelector('#memory-list .memory-item');
    expect(await listed(page)).toHaveLength(3);
    await page.fill('#memory-search', 'garage');
    await page.waitForSelector('#memory-empty');
    const text = await page.textContent('#memory-empty');
    expect(text).toContain('Search is off: searching memory needs the embedding model all-minilm-l6-v2, which is not downloaded');
    expect(text).toContain('jett models pull all-minilm-l6-v2');
    expect(text).toContain('Clear the search box to list everything remembered.');
    await screenshot(page, 'memory-search-off');
    await page.fill('#memory-search', '');
    await page.waitForFunction(() => document.querySelectorAll('#memory-list .memory-item').length === 3);
  });
});
