import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../pipeline/run-cli.ts';
import { GITHUB_COMMENT_LIMIT } from '../../cli/plan/format/markdown.ts';
import { createRepo, replaceOnce, type TestRepo } from './support/repo.ts';
import { definition, expectValidPlan, planJson, QUIET_ENV } from './support/plan-run.ts';
import type { PlanDocument } from '../../cli/plan/document.ts';
import { buildPlan } from '../../cli/plan/build-plan.ts';
import { DEFAULT_PLAN_OPTIONS } from '../../cli/plan/options.ts';

const repos: TestRepo[] = [];
function repo(options?: Parameters<typeof createRepo>[0]): TestRepo {
  const r = createRepo(options);
  repos.push(r);
  return r;
}
afterEach(() => {
  for (const r of repos.splice(0)) r.remove();
});

describe('herald plan with bad input', () => {
  it('a base ref that does not exist: a clear error naming it, exit 1', async () => {
    const r = repo();
    const run = await runCli(['plan', r.dir, '--base', 'origin/no-such-branch'], r.root, QUIET_ENV);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error[HL390]: the base ref "origin/no-such-branch" does not exist in this repository');
    expect(run.stderr).toContain('help: fetch it first');
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('a workspace outside any git repository: HL395, exit 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-plan-nogit-'));
    try {
      writeFileSync(
        join(dir, 'herald.yaml'),
        'apiVersion: herald/v1\nkind: Workspace\nmetadata: { name: lone }\nspec: { customers: { fields: {} } }\n',
      );
      const run = await runCli(['plan', dir, '--base', 'main'], dir, QUIET_ENV);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('error[HL395]:');
      expect(run.stderr).toContain('is not inside a git repository');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('usage mistakes exit 2', async () => {
    const r = repo();
    expect((await runCli(['plan', r.dir], r.root, QUIET_ENV)).stderr).toContain('--base REF is required');
    expect((await runCli(['plan', r.dir, '--base', 'HEAD', '--format', 'html'], r.root, QUIET_ENV)).code).toBe(2);
    expect((await runCli(['plan', r.dir, '--base', 'HEAD', '--max-audience-change', 'lots'], r.root, QUIET_ENV)).stderr).toContain(
      '--max-audience-change must be a percentage',
    );
    expect((await runCli(['plan', r.dir, '--base', 'HEAD', '--data', 'cloud'], r.root, QUIET_ENV)).code).toBe(2);
  });

  it('a head that does not compile: its errors, HL394, exit 1', async () => {
    const r = repo();
    r.edit('segments/audiences.yaml', (t) => replaceOnce(t, 'where: email_consent', 'where: email_consnt'));
    const run = await runCli(['plan', r.dir, '--base', 'HEAD', '--data', 'none'], r.root, QUIET_ENV);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/segments\/audiences\.yaml:\d+:\d+: error\[HL3\d\d\]/);
    expect(run.stderr).toContain('error[HL394]');
  });

  it('a base that does not compile: the plan says so and still shows the head, by document', async () => {
    const r = repo();
    r.edit('segments/audiences.yaml', (t) => replaceOnce(t, 'where: email_consent', 'where: email_consnt'));
    r.commit('a typo at the base');
    r.edit('segments/audiences.yaml', (t) => replaceOnce(t, 'where: email_consnt', 'where: email_consent'));
    r.edit('segments/markets.yaml', (t) => replaceOnce(t, 'country = "United Kingdom"', 'country in ["United Kingdom", "EIRE"]'));
    const { doc, run } = await planJson([r.dir, '--base', 'HEAD', '--data', 'sample', '--detailed-exitcode'], r.root);
    expect(run.code).toBe(3);
    expect(doc.base).toMatchObject({ compiled: false });
    expect(doc.base.errors).toBeGreaterThan(0);
    expect(doc.base.diagnostics[0]).toMatchObject({ severity: 'error' });
    expect(doc.base.diagnostics[0]!.where).toMatch(/^segments\/audiences\.yaml:\d+:\d+$/);
    expect(doc.notes.map((n) => n.code)).toContain('HL391');
    expect(definition(doc, 'Segment/reachable')).toMatchObject({ change: 'changed', details: ['spec.where'] });
    expect(definition(doc, 'Segment/uk')).toMatchObject({ change: 'changed' });
    const uk = doc.segments.find((s) => s.name === 'uk')!;
    expect(uk.before).toBeNull(); // no base manifest: head only
    expect(uk.after).toBe(20);
    expect(doc.data.source).toBe('sample');
  });

  it('a workspace moved and renamed between base and head: only real changes, and the move noted', async () => {
    const r = repo({ folder: 'marketing/shop' });
    mkdirSync(join(r.root, 'apps'), { recursive: true });
    renameSync(r.dir, join(r.root, 'apps', 'email'));
    const moved = join(r.root, 'apps', 'email');
    const { doc, run } = await planJson([moved, '--base', 'HEAD', '--data', 'none', '--detailed-exitcode'], r.root);
    expect(run.code).toBe(0);
    expect(doc.moved).toEqual({ from: 'marketing/shop', to: 'apps/email' });
    expect(doc.base.path).toBe('marketing/shop');
    expect(doc.head.path).toBe('apps/email');
    expect(doc.definitions).toEqual([]);
    expect(doc.notes.map((n) => n.code)).toContain('HL392');

    // The Workspace itself renamed too: the only herald.yaml at the base is still the one.
    const text = join(moved, 'herald.yaml');
    writeFileSync(text, readFileSync(text, 'utf8').replace('name: plan_shop', 'name: email_programme'));
    const renamed = await planJson([moved, '--base', 'HEAD', '--data', 'none'], r.root);
    expect(renamed.doc.moved).toEqual({ from: 'marketing/shop', to: 'apps/email' });
    expect(renamed.doc.definitions.map((d) => [d.key, d.change])).toEqual([['Workspace/email_programme', 'renamed']]);
  });

  it('a base without any workspace: everything is new', async () => {
    const r = repo();
    r.git('rm', '-r', '-q', 'shop');
    r.commit('no workspace yet');
    r.git('checkout', '-q', 'HEAD~1', '--', 'shop');
    const { doc } = await planJson([r.dir, '--base', 'HEAD', '--data', 'none'], r.root);
    expect(doc.base.path).toBeNull();
    expect(doc.notes.map((n) => n.code)).toContain('HL393');
    expect(doc.definitions.every((d) => d.change === 'added')).toBe(true);
    expect(doc.definitions.length).toBe(14); // the Workspace, 2 Sources, 5 Segments, a Trait, 2 Templates, 2 Campaigns, a Journey
  });

  it('an unreachable database: definitions only, and the plan says why', async () => {
    const r = repo();
    r.edit('segments/audiences.yaml', (t) => replaceOnce(t, '> 100', '> 150'));
    const { doc } = await planJson([r.dir, '--base', 'HEAD', '--db', 'postgres://herald:secret@127.0.0.1:1/nowhere'], r.root);
    expect(doc.data).toMatchObject({ source: 'none', customers: null });
    expect(doc.data.reason).toContain('cannot use the database postgres://herald:***@127.0.0.1:1/nowhere: nothing is listening there');
    expect(JSON.stringify(doc)).not.toContain('secret');
    const note = doc.notes.find((n) => n.code === 'HL554')!;
    expect(note.severity).toBe('warning');
    expect(note.message).toContain('the plan shows the definitions only');
    expect(doc.segments.find((s) => s.name === 'big_spenders')).toMatchObject({ change: 'changed', before: null, after: null });
  });

  it('a configured database that does not exist yet: the sample data instead, as of its latest event', async () => {
    const r = repo();
    r.edit('segments/audiences.yaml', (t) => replaceOnce(t, '> 100', '> 150'));
    const { doc } = await planJson([r.dir, '--base', 'HEAD'], r.root);
    expect(doc.data.source).toBe('sample');
    expect(doc.data.reason).toContain('does not exist yet');
    expect(doc.data.customers).toBe(60);
    expect(doc.as_of).toBe('2026-03-03T12:00:00.000Z'); // the last add-to-cart in data/events.csv
    expect(doc.notes.map((n) => n.code)).toContain('HL557');
    const s = doc.segments.find((x) => x.name === 'big_spenders')!;
    expect(s.before).toBeGreaterThan(s.after!);
    expect(s.overlap.length).toBeGreaterThan(0); // the sample database has materialized memberships
  });

  it("a huge change (hundreds of files): every definition planned, the comment within GitHub's limit", async () => {
    const r = repo();
    for (let i = 0; i < 300; i++) {
      r.write(
        `segments/generated_${String(i).padStart(3, '0')}.yaml`,
        `apiVersion: herald/v1\nkind: Segment\nmetadata: { name: generated_${i}, description: "A generated audience with a long description to make the plan long ${'x'.repeat(40)}" }\nspec: { live: true, where: count(purchase within ${30 + i}d) >= ${1 + (i % 4)} }\n`,
      );
    }
    const out = join(r.root, 'plan-out');
    const md = await runCli(
      [
        'plan',
        r.dir,
        '--base',
        'HEAD',
        '--data',
        'sample',
        '--format',
        'markdown',
        '--out',
        out,
        '--full-plan-url',
        'https://ci.example/run/1',
      ],
      r.root,
      QUIET_ENV,
    );
    expect(md.code).toBe(0);
    const doc = JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8')) as PlanDocument;
    expectValidPlan(doc);
    expect(doc.definitions.filter((d) => d.change === 'added')).toHaveLength(300);
    expect(doc.segments.filter((s) => s.after !== null)).toHaveLength(300);
    expect(md.stdout.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(md.stdout).toContain(
      'This plan was shortened to fit in a comment. The full plan is in the plan artifact: https://ci.example/run/1.',
    );
    expect(readFileSync(join(out, 'comment.md'), 'utf8')).toBe(md.stdout);
    // The full plan in the artifact is not shortened: every segment has its row.
    const full = readFileSync(join(out, 'plan.md'), 'utf8');
    expect(full.length).toBeGreaterThan(GITHUB_COMMENT_LIMIT);
    expect(full).not.toContain('shortened');
    for (const s of doc.segments) expect(full).toContain(`| \`${s.name}\` |`);
    expect(md.stdout).toContain('300 segments changed');
  });

  it('sample data with a missing file: the rest loads, and the plan says what is missing', async () => {
    const r = repo();
    rmSync(join(r.dir, 'data', 'events.csv'));
    r.edit('segments/markets.yaml', (t) => replaceOnce(t, 'country = "United Kingdom"', 'country = "France"'));
    const { doc } = await planJson([r.dir, '--base', 'HEAD', '--data', 'sample', '--as-of', '2026-03-01'], r.root);
    expect(doc.notes.find((n) => n.code === 'HL559')).toMatchObject({
      severity: 'warning',
      message: expect.stringContaining('data/events.csv missing'),
    });
    expect(doc.data.customers).toBe(60);
    expect(doc.segments.find((s) => s.name === 'uk')).toMatchObject({ before: 20, after: 20, entered: 20, left: 20 });
  });

  it('renders at most the configured number of changed templates, and lists the rest', async () => {
    const r = repo();
    r.edit('templates/welcome.mjml', (t) => replaceOnce(t, 'We are glad', 'We are happy'));
    r.edit('templates/thank_you.mjml', (t) => replaceOnce(t, 'Thank you for', 'Thanks for'));
    const outcome = await buildPlan({
      headDir: r.dir,
      baseRef: 'HEAD',
      dataMode: 'none',
      env: QUIET_ENV,
      options: { ...DEFAULT_PLAN_OPTIONS, maxRenderedTemplates: 1 },
      chromium: '/nonexistent',
    });
    if (outcome.kind !== 'plan') throw new Error('expected a plan');
    const doc = outcome.document;
    expect(doc.templates.map((t) => [t.name, t.samples.length > 0])).toEqual([
      ['thank_you', true],
      ['welcome', false],
    ]);
    expect(doc.notes.find((n) => n.code === 'HL451')!.message).toBe(
      '1 more changed template was not rendered (the plan renders at most 1)',
    );
  });
});
