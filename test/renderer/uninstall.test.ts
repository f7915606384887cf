// "Remove Jett from this computer" in headless Chromium against the fake bridge: nothing is called before the
// confirmation, Cancel calls nothing, the data is kept unless its box is ticked, and what is left shows with its fix.
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { binary, describeWith } from '../helpers/requirements.js';
import { fakeBridgeWindows } from './fake-bridge-windows.js';
import { screenshot } from './page.js';

describeWith([binary('chromium')], 'remove Jett from the window (headless Chromium, fake bridge)', () => {
  const { open: openAt, problems } = fakeBridgeWindows();
  const open = () => openAt('#services');

  const uninstalls = (page: Page) => page.evaluate(() => window.__fake.calls.filter((c) => c.channel === 'app:uninstall').map((c) => c.arg));

  it('asks first: the button only shows what goes; Cancel removes nothing', async () => {
    const page = await open();
    expect(await page.isHidden('#uninstall-panel')).toBe(true);
    await page.click('#uninstall');
    expect(await page.isVisible('#uninstall-panel')).toBe(true);
    await expect(page.textContent('#uninstall-panel')).resolves.toMatch(/tunnel setup.*login item.*every secret Jett stored/);
    expect(await page.isChecked('#uninstall-delete-data')).toBe(false);
    await screenshot(page, 'uninstall-confirm');
    await page.click('#uninstall-cancel');
    expect(await page.isHidden('#uninstall-panel')).toBe(true);
    expect(await uninstalls(page)).toEqual([]);
  });

  it('keeps the data unless the box is ticked, and shows what is left with the command that removes it', async () => {
    const page = await open();
    await page.click('#uninstall');
    await page.click('#uninstall-confirm');
    await page.waitForSelector('#uninstall-result');
    expect(await uninstalls(page)).toEqual([{ deleteData: false }]);
    await expect(page.textContent('#uninstall-left')).resolves.toContain('run `sudo jett tunnel uninstall --interface jett0`');
    await expect(page.textContent('#uninstall-result')).resolves.toContain('Your data is kept in /home/user/.config/Jett');
    await screenshot(page, 'uninstall-partly');

    const again = await open();
    await again.click('#uninstall');
    await again.check('#uninstall-delete-data');
    await again.click('#uninstall-confirm');
    await again.waitForSelector('#uninstall-result');
    expect(await uninstalls(again)).toEqual([{ deleteData: true }]);
    await expect(again.textContent('#uninstall-removed')).resolves.toContain('removed /home/user/.config/Jett');
    expect(problems.flat().filter((p) => !/Cross-Origin-Opener-Policy header has been ignored/.test(p)).join('\n')).toBe('');
  });
});
