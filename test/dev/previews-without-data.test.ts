import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { get, nextBuild, startTestDev } from './support/dev-server.ts';

/**
 * `herald dev` on the README's first example, which has no database, no `sample_customers` and no
 * sample data: every template still previews, for the customers of its Test documents or, without
 * tests, for customers loaded from the workspace's own data files into a throwaway database.
 */
const roots: string[] = [];
function copyQuickstart(): string {
  const root = mkdtempSync(join(tmpdir(), 'herald-dev-quickstart-'));
  roots.push(root);
  const dir = join(root, 'quickstart');
  cpSync(resolve('examples/quickstart'), dir, { recursive: true, filter: (src) => !/[\\/](build|out|\.herald)$/.test(src) });
  return dir;
}
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

/** The templates the overview page lists. */
async function templatesOf(url: string): Promise<string[]> {
  return [...new Set([...(await get(url)).body.matchAll(/<a href="\/templates\/([a-z0-9_]+)">/g)].map((m) => m[1]!))];
}

function previewsIn(body: string): string[] {
  return [...body.matchAll(/<section class="card preview" data-customer="([^"]+)">/g)].map((m) => m[1]!);
}

describe('herald dev examples/quickstart', () => {
  it('previews every template for Test customers, and shows an edit to a template in the open page', async () => {
    const dir = copyQuickstart();
    const dev = await startTestDev(dir);
    try {
      const names = await templatesOf(dev.url);
      expect(names.length).toBe(readdirSync(join(dir, 'templates')).filter((f) => f.endsWith('.mjml')).length);
      for (const name of names) {
        const page = await get(`${dev.url}templates/${name}`);
        expect(page.status).toBe(200);
        expect(page.body).not.toContain('No preview customers');
        expect(page.body).not.toContain('cannot preview');
        expect(previewsIn(page.body).length).toBeGreaterThan(0);
      }
      const mjml = join(dir, 'templates', 'welcome.mjml');
      const rebuilt = nextBuild(dev, (b) => b.ok);
      writeFileSync(mjml, readFileSync(mjml, 'utf8').replace('</mj-column>', '<mj-text>Edited in the open preview</mj-text></mj-column>'));
      await rebuilt;
      expect((await get(`${dev.url}templates/welcome`)).body).toContain('Edited in the open preview');
    } finally {
      await dev.close();
    }
  }, 60_000);

  it("without tests, previews for customers of the workspace's data files (a throwaway database)", async () => {
    const dir = copyQuickstart();
    rmSync(join(dir, 'tests.yaml'));
    const dev = await startTestDev(dir);
    try {
      expect(dev.database?.description).toBe("the workspace's data files (a throwaway database)");
      const names = await templatesOf(dev.url);
      expect(names.length).toBeGreaterThan(0);
      for (const name of names) {
        const page = await get(`${dev.url}templates/${name}`);
        expect(page.body).not.toContain('cannot preview');
        expect(previewsIn(page.body).length).toBeGreaterThan(0);
      }
    } finally {
      await dev.close();
    }
  }, 60_000);

  it('shows a translated template once more in each of its languages, with lang set from it', async () => {
    const dir = copyQuickstart();
    const yaml = join(dir, 'templates', 'welcome.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace('  mjml: welcome.mjml', '  mjml: welcome.mjml\n  translations: translations'));
    const mjml = join(dir, 'templates', 'welcome.mjml');
    writeFileSync(
      mjml,
      readFileSync(mjml, 'utf8').replace('We are glad you are here. Have a look at what is new this week.', "{{ t('glad') }}"),
    );
    mkdirSync(join(dir, 'templates', 'translations'));
    writeFileSync(join(dir, 'templates', 'translations', 'en.yaml'), 'glad: We are glad you are here.\n');
    writeFileSync(join(dir, 'templates', 'translations', 'de.yaml'), 'glad: Schön, dass Sie da sind.\n');
    const dev = await startTestDev(dir);
    try {
      const page = await get(`${dev.url}templates/welcome`);
      expect([...page.body.matchAll(/data-language="([a-z-]+)"/g)].map((m) => m[1])).toEqual(['de', 'en']);
      const customer = previewsIn(page.body)[0]!;
      const german = await get(`${dev.url}templates/welcome/email?customer=${customer}&lang=de`);
      expect(german.body).toContain('Schön, dass Sie da sind.');
      expect(german.body).toMatch(/<html lang="de" dir="ltr"/);
    } finally {
      await dev.close();
    }
  }, 60_000);
});
