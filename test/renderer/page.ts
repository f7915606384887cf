// Opens the built settings window in headless Chromium: the renderer is built with Vite, served through the real
// protocol handler (with its CSP header) at a stand-in origin, and the fake bridge is injected as window.jett.
import fs from 'node:fs';
import path from 'node:path';
import { build as esbuild } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build as viteBuild } from 'vite';
import { createAppProtocolHandler } from '../../main/app/security/protocol.js';

/** Chromium cannot load jett:// in a test: the same files and headers are served at this origin instead. */
export const TEST_ORIGIN = 'http://app.jett.test';
export const ARTIFACTS = path.resolve('test/artifacts');

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

export async function buildRenderer(outDir: string): Promise<void> {
  await viteBuild({ configFile: path.resolve('build/vite.renderer.mjs'), build: { outDir, emptyOutDir: true }, logLevel: 'error' });
}

export async function fakeBridgeScript(): Promise<string> {
  const out = await esbuild({ entryPoints: [path.resolve('test/renderer/fake-bridge.ts')], bundle: true, format: 'iife', platform: 'browser', target: 'chrome120', write: false, logLevel: 'error' });
  return out.outputFiles[0]!.text;
}

export async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}

export interface OpenedPage {
  page: Page;
  /** Console errors and uncaught exceptions, including CSP violations ("Refused to ..."). */
  problems: string[];
}

/** `prepare` runs before the page loads (the real bridge exposes its function to the page there). */
export async function openWindow(browser: Browser, rendererDir: string, bridge: string, hash = '', prepare?: (page: Page) => Promise<void>): Promise<OpenedPage> {
  const page = await browser.newPage({ viewport: { width: 980, height: 720 } });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  const serve = createAppProtocolHandler(rendererDir);
  await page.route(`${TEST_ORIGIN}/**`, async (route) => {
    const url = new URL(route.request().url());
    const res = await serve(new Request(`jett://app${url.pathname}`));
    const headers: Record<string, string> = {};
    res.headers.forEach((value, key) => void (headers[key] = value));
    await route.fulfill({ status: res.status, headers, body: Buffer.from(await res.arrayBuffer()) });
  });
  await prepare?.(page);
  await page.addInitScript({ content: bridge });
  await page.goto(`${TEST_ORIGIN}/index.html${hash}`);
  await page.waitForSelector('#summary');
  return { page, problems };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
