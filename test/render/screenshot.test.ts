import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { compileTemplateFile, SHOWCASE, SHOWCASE_TEMPLATES } from '../templates/helpers.ts';
import { stopMjmlWorker } from '../../compiler/templates/index.ts';
import { loadTemplate, readSampleData, renderEmail, sampleRenderInput } from '../../runtime/render/index.ts';

/**
 * Example emails rendered in headless Chromium at desktop (600 px) and phone (375 px) widths.
 * CI must have Chromium (the test fails there without it); locally it is skipped with a reason.
 */
const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && !process.env.CI) console.warn(`screenshot tests skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);

let browser: Browser | undefined;

/** The few browser APIs the page check uses (the project's TypeScript setup has no DOM types). */
interface PageElement {
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { width: number; height: number; left: number; right: number };
  textContent: string | null;
}
interface PageWindow {
  document: {
    documentElement: { scrollWidth: number };
    body: { scrollWidth: number };
    images: ArrayLike<PageElement>;
    querySelectorAll(selector: string): ArrayLike<PageElement>;
  };
  getComputedStyle(element: PageElement): { display: string; visibility: string; opacity: string };
}

beforeAll(async () => {
  if (!available) {
    if (process.env.CI) throw new Error(`${CHROMIUM} is missing: CI must install chromium`);
    return;
  }
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});

afterAll(async () => {
  await browser?.close();
  stopMjmlWorker();
});

const sample = readSampleData(`${SHOWCASE}/data/sample.yaml`);

describe.skipIf(!available && !process.env.CI)('example emails in a browser', () => {
  for (const name of SHOWCASE_TEMPLATES) {
    for (const customer of ['c_1001', 'c_1003']) {
      it(`${name} for ${customer}`, async () => {
        const compiled = compileTemplateFile(SHOWCASE, `templates/${name}.yaml`).compiled!;
        const input = sampleRenderInput(compiled, sample, customer)!;
        const r = renderEmail(loadTemplate(compiled), input);
        if (!r.ok) throw new Error(r.reason);
        for (const width of [600, 375]) {
          const page = await browser!.newPage({ viewport: { width, height: 900 } });
          // Emails are checked offline: remote images fail fast instead of being fetched.
          await page.route('**/*', (route) => (route.request().url().startsWith('data:') ? route.continue() : route.abort()));
          await page.setContent(r.email.html, { waitUntil: 'load' });
          const facts = await page.evaluate((unsubscribe) => {
            const w = globalThis as unknown as PageWindow;
            const doc = w.document.documentElement;
            const images = Array.from(w.document.images).map((img) => img.getAttribute('alt'));
            const link = Array.from(w.document.querySelectorAll('a')).find((a) => a.getAttribute('href') === unsubscribe);
            const box = link?.getBoundingClientRect();
            const style = link ? w.getComputedStyle(link) : undefined;
            return {
              scrollWidth: Math.max(doc.scrollWidth, w.document.body.scrollWidth),
              images,
              unsubscribe: link
                ? { width: box!.width, height: box!.height, left: box!.left, right: box!.right, display: style!.display, visibility: style!.visibility, opacity: style!.opacity, text: link.textContent?.trim() }
                : undefined,
            };
          }, input.unsubscribe_url);
          await page.close();
          if (width === 375) expect(facts.scrollWidth, `${name} overflows at 375 px`).toBeLessThanOrEqual(375);
          for (const alt of facts.images) expect(alt?.trim(), `${name}: image without alt`).toBeTruthy();
          expect(facts.unsubscribe, `${name}: no unsubscribe link`).toBeDefined();
          const u = facts.unsubscribe!;
          expect(u.text).toBe('Unsubscribe');
          expect(u.width).toBeGreaterThan(0);
          expect(u.height).toBeGreaterThan(0);
          expect(u.left).toBeGreaterThanOrEqual(0);
          expect(u.right).toBeLessThanOrEqual(width);
          expect(u.visibility).toBe('visible');
          expect(u.display).not.toBe('none');
          expect(Number(u.opacity)).toBeGreaterThan(0);
        }
      });
    }
  }
});
