import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stopMjmlWorker } from '../../compiler/3-analyze/templates/index.ts';
import type { PlanDocument } from '../../cli/plan/document.ts';
import { runCli } from '../pipeline/run-cli.ts';
import { expectValidPlan, QUIET_ENV } from './support/plan-run.ts';
import { createRepo, replaceOnce } from './support/repo.ts';

const FLAGSHIP = join(import.meta.dirname, '..', '..', 'campaigns');

const repo = createRepo({ folder: 'campaigns', from: FLAGSHIP });
const out = mkdtempSync(join(tmpdir(), 'herald-plan-languages-'));
afterAll(() => {
  repo.remove();
  rmSync(out, { recursive: true, force: true });
  stopMjmlWorker();
});

describe('herald plan on the flagship: each language of a translated template', () => {
  it('shows the subject and preview per language in the pretty, markdown and JSON plans', async () => {
    // The welcome subject now reads the heading message: each language's subject changes, in its own words.
    repo.edit('templates/welcome.yaml', (text) =>
      replaceOnce(text, "{{ t('welcome.subject', name=customer.first_name) }}", "{{ t('welcome.heading', name=customer.first_name) }}"),
    );
    const run = await runCli(
      ['plan', 'campaigns', '--base', 'HEAD', '--data', 'none', '--forecast-days', '0', '--out', out],
      repo.root,
      QUIET_ENV,
    );
    expect(run.code, run.stderr).toBe(0);

    const doc = JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8')) as PlanDocument;
    expectValidPlan(doc);
    expect(doc.templates.map((t) => t.name)).toEqual(['welcome']);
    const welcome = doc.templates[0]!;
    const byLanguage = new Map(welcome.samples.filter((s) => s.language).map((s) => [s.language!, s]));
    expect([...byLanguage.keys()]).toEqual(['de', 'en', 'fr']);
    // One customer (the template's first sample customer, masked) in each language.
    expect(new Set([...byLanguage.values()].map((s) => s.customer))).toEqual(new Set([welcome.samples[0]!.customer]));
    expect(byLanguage.get('de')!.subject).toEqual({
      before: 'Willkommen bei The Gift Loft, [first_name]',
      after: 'Willkommen, [first_name]!',
    });
    expect(byLanguage.get('en')!.subject).toEqual({ before: 'Welcome to The Gift Loft, [first_name]', after: 'Welcome, [first_name]!' });
    expect(byLanguage.get('fr')!.subject).toEqual({
      before: 'Bienvenue chez The Gift Loft, [first_name]',
      after: 'Bienvenue, [first_name]\u00a0!',
    });
    expect(byLanguage.get('de')!.preheader).toEqual({
      before: expect.stringMatching(/^Drei Bestseller/),
      after: expect.stringMatching(/^Drei Bestseller/),
    });
    expect(byLanguage.get('fr')!.preheader.after).toMatch(/^Trois meilleures ventes/);
    expect(byLanguage.get('en')!.preheader.after).toMatch(/^Three bestsellers/);
    // The masked customer ids and placeholders only: no customer's data in the plan.
    expect(JSON.stringify(doc)).not.toMatch(/"P0\d{3}"/);

    const markdown = readFileSync(join(out, 'plan.md'), 'utf8');
    const welcomeBlock = markdown.slice(markdown.indexOf('<code>welcome</code>'));
    expect(welcomeBlock).toContain('In each language, for');
    expect(welcomeBlock).toContain(
      '| `de` | subject "Willkommen bei The Gift Loft, [first_name]" → "Willkommen, [first_name]!", preview "Drei Bestseller',
    );
    expect(welcomeBlock).toContain(
      '| `fr` | subject "Bienvenue chez The Gift Loft, [first_name]" → "Bienvenue, [first_name]\u00a0!", preview "Trois meilleures ventes',
    );
    expect(readFileSync(join(out, 'comment.md'), 'utf8')).toContain(
      '| `en` | subject "Welcome to The Gift Loft, [first_name]" → "Welcome, [first_name]!", preview "Three bestsellers',
    );

    const pretty = run.stdout.slice(run.stdout.indexOf('~ welcome'));
    expect(pretty).toMatch(
      /\n {6}de \([^)]+\): subject "Willkommen bei The Gift Loft, \[first_name\]" → "Willkommen, \[first_name\]!", preview "Drei Bestseller/,
    );
    expect(pretty).toMatch(
      /\n {6}en \([^)]+\): subject "Welcome to The Gift Loft, \[first_name\]" → "Welcome, \[first_name\]!", preview "Three bestsellers/,
    );
    expect(pretty).toMatch(
      /\n {6}fr \([^)]+\): subject "Bienvenue chez The Gift Loft, \[first_name\]" → "Bienvenue, \[first_name\]\u00a0!"/,
    );
  }, 120_000);
});
