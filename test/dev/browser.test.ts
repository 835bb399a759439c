import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../cli/browser.ts';
import { CHROMIUM } from '../support/outside-programs.ts';
import { copyShop } from './support/workspace.ts';
import { nextBuild, startTestDev } from './support/dev-server.ts';

/**
 * The live preview in a real browser: headless Chromium opens a template page, the test edits files
 * on disk, and the page shows the new email, then the error overlay, then the fixed email, without
 * ever navigating. CI must have Chromium (.ci/run installs it); elsewhere the test says why it skipped.
 */

let browser: Browser | undefined;
const shop = copyShop('herald-dev-browser-');
let dev: Awaited<ReturnType<typeof startTestDev>> | undefined;

beforeAll(async () => {
  if (CHROMIUM.skip) return;
  CHROMIUM.require();
  dev = await startTestDev(shop.dir);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await dev?.close();
  shop.dispose();
});

function edit(file: string, from: string, to: string): void {
  const path = join(shop.dir, file);
  const text = readFileSync(path, 'utf8');
  if (!text.includes(from)) throw new Error(`${file} does not contain ${from}`);
  writeFileSync(path, text.replace(from, to));
}

/** The text of the first customer's desktop iframe (the rendered email). */
async function emailText(page: Page): Promise<string> {
  return (await page.frameLocator('.preview[data-customer="c_1"] .frame.desktop iframe').locator('body').textContent()) ?? '';
}

describe.skipIf(CHROMIUM.skip)(CHROMIUM.title('herald dev in a browser'), () => {
  it('shows edits, then the error overlay, then the fix, without reloading the page', async () => {
    const page = await browser!.newPage({ viewport: { width: 1400, height: 1000 } });
    let navigations = 0;
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) navigations++;
    });
    await page.goto(`${dev!.url}templates/welcome`);
    const loads = navigations;
    expect(await page.locator('.preview[data-customer="c_1"] .text-part').textContent()).toContain('welcome aboard');
    await expect.poll(() => emailText(page)).toContain('welcome aboard');
    // A value only this document has: a reload would lose it.
    await page.evaluate('window.__heraldMarker = 42');

    edit('templates/welcome.mjml', 'welcome aboard', 'so glad you joined');
    await expect
      .poll(() => page.locator('.preview[data-customer="c_1"] .text-part').textContent(), { timeout: 15_000 })
      .toContain('so glad you joined');
    await expect.poll(() => emailText(page), { timeout: 15_000 }).toContain('so glad you joined');
    expect(await page.evaluate('window.__heraldMarker')).toBe(42);

    // An error: the overlay appears with the diagnostic and its code frame; the last good email stays.
    edit('templates/welcome.mjml', 'customer.first_name', 'customer.nickname');
    const overlay = page.locator('#herald-overlay');
    await expect.poll(() => overlay.isVisible(), { timeout: 15_000 }).toBe(true);
    const text = (await overlay.textContent()) ?? '';
    expect(text).toContain('templates/welcome.mjml');
    expect(text).toContain('nickname');
    expect(text).toMatch(/\^+/);
    expect(await page.locator('.preview[data-customer="c_1"] .text-part').textContent()).toContain('so glad you joined');
    expect(await page.locator('#herald-status').textContent()).toContain('1 error');

    // Fixed: the overlay goes, the page shows the fixed email.
    edit('templates/welcome.mjml', 'customer.nickname', 'customer.first_name');
    await expect.poll(() => overlay.isVisible(), { timeout: 15_000 }).toBe(false);
    edit('templates/welcome.mjml', 'so glad you joined', 'back again');
    await expect.poll(() => emailText(page), { timeout: 15_000 }).toContain('back again');

    expect(navigations).toBe(loads);
    expect(await page.evaluate('window.__heraldMarker')).toBe(42);
    await page.close();
  });

  it('opens a page while the workspace is broken with the overlay shown', async () => {
    const broken = nextBuild(dev!, (b) => !b.ok);
    writeFileSync(join(shop.dir, 'segments.yaml'), `${readFileSync(join(shop.dir, 'segments.yaml'), 'utf8')}\n  oops: [unclosed\n`);
    await broken;
    const page = await browser!.newPage();
    await page.goto(`${dev!.url}segments/reachable`);
    expect(await page.locator('#herald-overlay').isVisible()).toBe(true);
    expect(await page.locator('#herald-overlay').textContent()).toContain('segments.yaml');
    // The last good build is still previewed underneath.
    expect(await page.locator('#herald-main h1').textContent()).toBe('reachable');
    await page.close();
  });
});
