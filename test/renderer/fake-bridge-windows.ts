// The settings window against the fake bridge, for one describe block: the renderer and the bridge built once,
// Chromium launched before the tests and closed after them; each window's problems (console errors, CSP refusals,
// uncaught exceptions) kept for the block to judge.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { tempDir } from '../helpers/tmp.js';
import { buildRenderer, fakeBridgeScript, launch, openWindow } from './page.js';

export function fakeBridgeWindows(): { open(hash?: string): Promise<Page>; problems: string[][] } {
  let browser: Browser | undefined;
  let rendererDir = '';
  let bridge = '';
  const problems: string[][] = [];
  beforeAll(async () => {
    rendererDir = tempDir('jett-renderer-');
    await buildRenderer(rendererDir);
    bridge = await fakeBridgeScript();
    browser = await launch();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
  });
  return {
    problems,
    async open(hash = '') {
      if (!browser) throw new Error('fakeBridgeWindows: Chromium was not launched (its beforeAll failed)');
      const opened = await openWindow(browser, rendererDir, bridge, hash);
      problems.push(opened.problems);
      return opened.page;
    },
  };
}
