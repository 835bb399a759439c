import { afterAll, beforeAll, expect, it } from 'vitest';
import { forEachDialect } from '../support/postgres.ts';
import { runCli } from '../pipeline/run-cli.ts';
import { compileSide } from '../../cli/plan/compile-side.ts';
import type { ModelJobSpec } from '../../compiler/contract/model-job.ts';
import { openDatabase } from '../../runtime/db/open.ts';
import { DatabaseModelStore } from '../../runtime/models/store/db-store.ts';
import type { ModelVersion } from '../../runtime/models/store/types.ts';
import { createRepo, replaceOnce, type TestRepo } from './support/repo.ts';
import { planJson, QUIET_ENV } from './support/plan-run.ts';

const MODEL = `apiVersion: herald/v1
kind: Model
metadata: { name: repurchase }
spec:
  type: propensity
  label: exists(purchase within next 30d)
  features:
    recency: days_since(last(purchase).at)
    frequency: count(purchase within 365d)
  evaluation: { holdout: 0.3, min_auc: 0.5 }
`;

/**
 * Every risk the plan flags, on one change run against a real database: a model whose version for
 * the new spec scores worse than the active one (HL553), a campaign emailing more than the limit on
 * its first day (HL551), an unsubscribe link that no longer renders (HL552), a template that fails
 * to render for a sample customer (HL555), and the audience change past the threshold (HL550).
 */
forEachDialect('risk flags in the plan', (ctx) => {
  let repo: TestRepo;
  let url: string;

  beforeAll(async () => {
    repo = createRepo();
    repo.write('models.yaml', MODEL);
    repo.commit('a repurchase model');
    url = await ctx.freshUrl();
    expect((await runCli(['ingest', repo.dir, '--db', url], repo.root, QUIET_ENV)).code).toBe(0);

    repo.edit('models.yaml', (t) =>
      replaceOnce(t, '    frequency: count(purchase within 365d)\n', '    frequency: count(purchase within 90d)\n'),
    );
    const jobHash = (dir: string) => (compileSide(dir).manifest!.definitions['Model/repurchase'].compiled as ModelJobSpec).hash;
    const headHash = jobHash(repo.dir);
    repo.git('stash', '-q');
    const baseHash = jobHash(repo.dir);
    repo.git('stash', 'pop', '-q');
    expect(headHash).not.toBe(baseHash);

    const db = openDatabase(url);
    try {
      const store = new DatabaseModelStore(db, repo.root);
      const active = await store.save(version(baseHash, 0.81), () => new Map());
      await store.activate('repurchase', active.version);
      await store.save(version(headHash, 0.74), () => new Map());
    } finally {
      await db.close();
    }
  });
  afterAll(() => repo?.remove());

  it('flags the worse model, the large first day, the missing unsubscribe link and the failed render', async () => {
    repo.edit('templates/welcome.mjml', (t) =>
      replaceOnce(
        t,
        '<a href="{{ unsubscribe_url }}">Unsubscribe</a>',
        `{% if customer.country == "Atlantis" %}<a href="{{ unsubscribe_url }}">Unsubscribe</a>{% endif %}`,
      ),
    );
    repo.edit('templates/templates.yaml', (t) =>
      replaceOnce(
        t,
        `subject: "Welcome, {{ customer.first_name | default('friend') }}!"`,
        'subject: "Welcome, {{ customer.first_name }}!"',
      ),
    );
    repo.edit('segments/audiences.yaml', (t) => replaceOnce(t, '> 100', '> 40'));
    const { doc } = await planJson(
      [repo.dir, '--base', 'HEAD', '--db', url, '--as-of', '2026-03-01', '--max-first-day-sends', '10', '--max-audience-change', '5'],
      repo.root,
    );

    const model = doc.models.find((m) => m.name === 'repurchase')!;
    expect(model).toMatchObject({
      change: 'changed',
      active: { version: 1, metric: 'auc', value: 0.81, passed: true },
      candidate: { version: 2, value: 0.74 },
      worse: true,
    });
    expect(model.note).toBe('auc 0.7400 (v2) vs 0.8100 (active v1)');

    const codes = doc.risks.map((r) => `${r.code} ${r.definition}`);
    expect(codes).toContain('HL553 Model/repurchase');
    expect(codes).toContain('HL552 Template/welcome');
    expect(codes).toContain('HL550 Segment/big_spenders');
    const reachable = doc.campaigns.find((c) => c.name === 'welcome_everyone')!.recipients.after!;
    const firstDay = doc.risks.find((r) => r.definition === 'Campaign/welcome_everyone')!;
    expect(firstDay).toMatchObject({
      code: 'HL551',
      message: `welcome_everyone would email ${reachable} customers on its first day, more than the limit of 10`,
    });
    expect(doc.risks.find((r) => r.code === 'HL552')).toMatchObject({
      severity: 'error',
      message: 'welcome no longer renders an unsubscribe link',
    });

    const t = doc.templates.find((x) => x.name === 'welcome')!;
    expect(t.unsubscribe).toEqual({ before: true, after: false });
    const failed = t.samples.find((s) => s.errors?.head)!;
    expect(failed.errors!.head).toContain('missing value for {{ customer.first_name }} (subject');
    expect(doc.notes.find((n) => n.code === 'HL555')!.message).toContain(`welcome cannot be rendered for ${failed.customer}`);
  });

  it('a model whose new version is better is not flagged', async () => {
    const db = openDatabase(url);
    try {
      const store = new DatabaseModelStore(db, repo.root);
      const versions = await store.versions('repurchase');
      await store.save({ ...version(versions[1]!.specHash, 0.9) }, () => new Map());
    } finally {
      await db.close();
    }
    const { doc } = await planJson([repo.dir, '--base', 'HEAD', '--db', url, '--as-of', '2026-03-01'], repo.root);
    expect(doc.models.find((m) => m.name === 'repurchase')).toMatchObject({ candidate: { version: 3, value: 0.9 }, worse: false });
    expect(doc.risks.map((r) => r.code)).not.toContain('HL553');
  });
});

function version(specHash: string, auc: number): Omit<ModelVersion, 'version' | 'reports'> {
  return {
    model: 'repurchase',
    createdAt: '2026-02-20T00:00:00.000Z',
    specHash,
    dataFingerprint: 'sha256:test',
    cutoff: '2026-01-30T00:00:00.000Z',
    asOf: '2026-03-01T00:00:00.000Z',
    metrics: { auc, log_loss: 0.5 },
    baseline: { name: 'best single feature', metrics: { auc: 0.6 } },
    passed: true,
    reasons: [],
    artifact: { features: ['recency', 'frequency'], model: { kind: 'dense' } } as unknown as ModelVersion['artifact'],
  };
}
