import { cpSync, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../cli/browser.ts';
import { reportCommand } from '../../cli/commands/report.ts';
import { openDatabase } from '../../runtime/db/open.ts';
import { enqueue } from '../../runtime/delivery/index.ts';
import { CHROMIUM } from '../support/outside-programs.ts';
import { spawnServe, waitFor } from '../serve/support.ts';
import { addCustomers, compileShop, journeySend, prepare } from '../delivery/helpers.ts';

/**
 * As a new user would try it: `herald serve --dry-run` on a copy of a workspace, a dry-run email
 * opened in a real browser, its unsubscribe link followed and the button pressed; `herald report`
 * then shows the unsubscribe. Without HERALD_SECRET the dry run signs with a throwaway secret and
 * says so; its emails link to the server itself.
 */
describe(CHROMIUM.title('herald serve --dry-run, unsubscribing in a browser'), () => {
  let browser: Browser | undefined;
  let server: Awaited<ReturnType<typeof spawnServe>> | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'herald-dry-run-'));
  const url = `sqlite:${join(dir, 'herald.db')}`;
  const send = journeySend('d1', { template: 'newsletter', name: 'news', step: 'issue', dueAt: Date.now() - 60_000 });

  beforeAll(async () => {
    if (CHROMIUM.skip) return;
    CHROMIUM.require();
    cpSync(resolve('test/recipient/fixtures/shop'), dir, { recursive: true });
    const db = await prepare(openDatabase(url), compileShop(dir));
    await addCustomers(db, [{ id: 'd1' }]);
    await enqueue(db.kysely, [send]);
    await db.close();
    server = await spawnServe([dir, '--db', url, '--dry-run', '--port', '0'], { HERALD_SECRET: '', HERALD_WRITE_KEY: 'k1' });
    browser = await launchChromium();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    server?.child.kill('SIGTERM');
    await server?.exited;
  });

  it.skipIf(CHROMIUM.skip)(
    CHROMIUM.title("follows the email's unsubscribe link to the server and unsubscribes; herald report counts it"),
    async () => {
      expect(server!.output()).toMatch(/HERALD_SECRET is not set: this dry run signs links with a throwaway secret/);
      const out = join(dir, 'out');
      const html = await waitFor(
        'the dry-run email',
        () => (existsSync(out) ? readdirSync(out).find((f) => f.endsWith('.html')) : undefined),
        30_000,
      );
      const page = await browser!.newPage();
      await page.goto(pathToFileURL(join(out, html)).href);
      await page.click('a:has-text("Unsubscribe")');
      await page.waitForURL(/^http:\/\/127\.0\.0\.1:\d+\/email\/unsubscribe\//);
      expect(await page.textContent('h1')).toBe('Unsubscribe');
      await page.click('button:has-text("Unsubscribe")');
      await page.waitForSelector('text=You are unsubscribed');
      expect(await page.content()).not.toContain('d1@example.test');

      let stdout = '';
      const io = {
        stdout: new Writable({ write: (c, _e, done) => ((stdout += String(c)), done()) }),
        stderr: new Writable({ write: (_c, _e, done) => done() }),
        cwd: dir,
        env: {},
      };
      expect(await reportCommand.run([dir, '--db', url, '--format', 'json'], io as never)).toBe(0);
      const news = JSON.parse(stdout).origins.find((o: { name: string }) => o.name === 'news');
      expect(news.groups[0]).toMatchObject({ sent: 1, unsubscribed: 1 });
    },
    90_000,
  );
});
