import { relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../cli/browser.ts';
import { CHROMIUM } from '../support/outside-programs.ts';
import { compileTemplates, recipientsOf, templateWorkspaces } from '../templates/workspaces.ts';
import { stopMjmlWorker } from '../../compiler/3-analyze/templates/index.ts';
import { loadTemplate, renderEmail } from '../../runtime/render/index.ts';
import { layoutProblems } from './support/layout-check.ts';

/**
 * Every template of the flagship workspace and the examples, rendered for its sample customers
 * (the first two) in headless Chromium (Debian's `chromium`, driven by playwright-core) at desktop
 * (600 px) and phone (375 px) widths: no horizontal overflow on the phone, every image with alt
 * text, a visible unsubscribe link. A deliberately broken email shows that the check can fail.
 * CI must have Chromium (the test fails there without it); locally it is skipped with a reason.
 */

let browser: Browser | undefined;
/** One page for every check (a page per email costs more than the check itself). */
let page: Page | undefined;

beforeAll(async () => {
  if (CHROMIUM.skip) return;
  CHROMIUM.require();
  browser = await launchChromium();
  page = await browser.newPage();
  // Emails are checked offline: remote images fail fast instead of being fetched.
  await page.route('**/*', (route) => (route.request().url().startsWith('data:') ? route.continue() : route.abort()));
});

afterAll(async () => {
  await browser?.close();
  stopMjmlWorker();
});

describe.skipIf(CHROMIUM.skip)(CHROMIUM.title('every template in a browser'), () => {
  it('finds what is wrong with a broken email', async () => {
    const html = [
      '<!doctype html><html><body>',
      '<div style="width:900px">a table laid out for desktops only</div>',
      '<img src="https://shop.example/a.png" width="50" height="50">',
      '<a href="https://u.example/unsub" style="display:none">Unsubscribe</a>',
      '</body></html>',
    ].join('');
    const problems = await layoutProblems(page!, html, 'https://u.example/unsub');
    expect(problems).toEqual(
      expect.arrayContaining([
        'at 375 px: the page is 908 px wide (horizontal overflow)',
        'at 375 px: 1 image(s) without alt text',
        'at 600 px: the unsubscribe link is not visible',
      ]),
    );
    expect(
      await layoutProblems(page!, html.replace('https://u.example/unsub', 'https://u.example/other'), 'https://u.example/unsub'),
    ).toContain('at 600 px: no link to the unsubscribe URL');
  });

  for (const dir of templateWorkspaces()) {
    const ws = compileTemplates(dir);
    for (const t of ws.templates) {
      for (const { id, input } of recipientsOf(t).slice(0, 2)) {
        it(`${relative(process.cwd(), dir)}/${t.compiled.name} for ${id}`, async () => {
          const r = renderEmail(loadTemplate(t.compiled), input, { timeZone: ws.timeZone });
          if (!r.ok) throw new Error(r.reason);
          expect(await layoutProblems(page!, r.email.html, input.unsubscribe_url)).toEqual([]);
        });
      }
    }
  }
});
