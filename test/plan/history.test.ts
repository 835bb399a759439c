import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { forEachDialect } from '../support/postgres.ts';
import { runCli } from '../pipeline/run-cli.ts';
import { openDatabase } from '../../runtime/db/open.ts';
import type { Database } from '../../runtime/db/database.ts';
import { addSuppression } from '../../runtime/delivery/suppressions.ts';
import { COMMENT_MARKER } from '../../cli/plan/format/markdown.ts';
import { createRepo, replaceOnce, type TestRepo } from './support/repo.ts';
import { definition, planJson, QUIET_ENV } from './support/plan-run.ts';

const AS_OF = '2026-03-01';
const AS_OF_MS = Date.UTC(2026, 2, 1);
const DAY = 86_400_000;

/**
 * A scripted history on a real database (SQLite and PostgreSQL): the shop's data ingested and its
 * segments materialized, then one change per step, each planned against the commit before it,
 * with the audience numbers checked against SQL written here by hand.
 */
forEachDialect('herald plan on a scripted history', (ctx) => {
  let repo: TestRepo;
  let url: string;
  let before: Record<string, number>;
  let unsubscribed: string;

  beforeAll(async () => {
    repo = createRepo();
    url = await ctx.freshUrl();
    expect((await runCli(['ingest', repo.dir, '--db', url], repo.root, QUIET_ENV)).code).toBe(0);
    expect((await runCli(['segments', repo.dir, '--db', url, '--as-of', AS_OF], repo.root, QUIET_ENV)).code).toBe(0);
    await withDb(url, async (db) => {
      // One big spender unsubscribed a week before: the plan's reach must not count them.
      unsubscribed = (await bigSpenders(db, 200))[0]!;
      await addSuppression(db.kysely, { customerId: unsubscribed, reason: 'unsubscribed', at: AS_OF_MS - 7 * DAY });
      before = await snapshot(db);
    });
  });
  afterAll(() => repo?.remove());

  it('a raised threshold: the segment and what uses it, with audiences equal to direct SQL, in json, markdown and pretty', async () => {
    repo.edit('segments/audiences.yaml', (t) =>
      replaceOnce(t, 'sum(purchase.amount within 365d) > 100', 'sum(purchase.amount within 365d) > 200'),
    );
    const { doc, run } = await planJson([repo.dir, '--base', 'HEAD', '--db', url, '--as-of', AS_OF, '--detailed-exitcode'], repo.root);
    expect(run.code).toBe(3);
    expect(doc.changes).toBe(true);
    expect(definition(doc, 'Segment/big_spenders')).toMatchObject({ change: 'changed', details: ['spec.where'] });
    expect(definition(doc, 'Segment/loyal_big_spenders')).toMatchObject({ change: 'affected', via: ['Segment/big_spenders'] });
    expect(definition(doc, 'Campaign/thank_big_spenders')).toMatchObject({ change: 'affected' });
    expect(definition(doc, 'Segment/reachable')).toBeUndefined();

    const expected = await withDb(url, async (db) => {
      const was = await bigSpenders(db, 100);
      const now = await bigSpenders(db, 200);
      const suppressed = new Set([unsubscribed]);
      const withEmail = new Set(await customersWithEmail(db));
      return {
        before: was.length,
        after: now.length,
        entered: now.filter((id) => !was.includes(id)).length,
        left: was.filter((id) => !now.includes(id)).length,
        reachable: now.filter((id) => withEmail.has(id) && !suppressed.has(id)).length,
      };
    });
    expect(expected.left).toBeGreaterThan(0);
    const s = doc.segments.find((x) => x.name === 'big_spenders')!;
    expect({ before: s.before, after: s.after, entered: s.entered, left: s.left, reachable: s.reach.after?.reachable }).toEqual(expected);
    expect(s.reach.after?.suppressed).toBe(1);
    expect(s.sample_left.length).toBe(Math.min(5, expected.left));
    for (const id of [...s.sample_left, ...s.sample_entered]) expect(id).toMatch(/^c0…[0-9a-f]{6}$/);
    expect(s.overlap.map((o) => o.segment)).toContain('reachable');
    expect(doc.summary.line).toBe(`1 segment changed (+${expected.entered} / -${expected.left} customers), 2 affected downstream`);
    expect(doc.data).toMatchObject({ source: 'database', customers: 60, memberships_as_of: '2026-03-01T00:00:00.000Z' });
    const campaign = doc.campaigns.find((c) => c.name === 'thank_big_spenders')!;
    expect(campaign.recipients.after).toBe(expected.reachable);
    expect(doc.risks.map((r) => [r.code, r.definition])).toContainEqual(['HL550', 'Segment/big_spenders']);
    // A simulated week of the affected campaign, through the real delivery gates, agrees with the reach.
    expect(doc.forecast).toMatchObject({ from: '2026-03-01T00:00:00.000Z', until: '2026-03-08T00:00:00.000Z', total: expected.reachable });
    expect(doc.forecast!.by_origin).toEqual([
      { kind: 'campaign', name: 'thank_big_spenders', sends: expected.reachable, first_day: expected.reachable },
    ]);
    expect(doc.forecast!.days.map((d) => d.date)).toEqual([
      '2026-03-01',
      '2026-03-02',
      '2026-03-03',
      '2026-03-04',
      '2026-03-05',
      '2026-03-06',
      '2026-03-07',
    ]);
    expect(doc.forecast!.days.find((d) => d.date === '2026-03-02')!.sends).toBe(expected.reachable);
    expect(Object.values(doc.forecast!.suppressed).reduce((a, b) => a + b, 0)).toBe(expected.after - expected.reachable);
    expect(doc.forecast!.suppressed.suppressed).toBe(1);

    // Pretty on stdout, and the markdown comment written with --out, from one more run.
    const out = join(repo.root, 'artifact');
    const pretty = await runCli(['plan', repo.dir, '--base', 'HEAD', '--db', url, '--as-of', AS_OF, '--out', out], repo.root, QUIET_ENV);
    expect(pretty.code).toBe(0);
    const markdown = readFileSync(join(out, 'comment.md'), 'utf8');
    expect(markdown.startsWith(`${COMMENT_MARKER}\n`)).toBe(true);
    expect(markdown).toContain(`**${doc.summary.line}**`);
    expect(markdown).toContain(
      `| \`big_spenders\` | changed | ${expected.before} | ${expected.after} | -${expected.before - expected.after} | 0 | ${expected.left} |`,
    );
    expect(markdown).toMatch(/<details><summary>All 3 definition changes<\/summary>/);
    expect(JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8'))).toEqual(doc);

    expect(pretty.stdout).toContain(doc.summary.line);
    expect(pretty.stdout).toMatch(
      new RegExp(
        `~ big_spenders\\s+${expected.before}\\s+${expected.after}\\s+-${expected.before - expected.after}\\s+\\+0\\s+-${expected.left}`,
      ),
    );
    expect(pretty.stdout).toContain('warning[HL550] big_spenders shrinks');
    for (const text of [JSON.stringify(doc), markdown, pretty.stdout]) expectNoPersonalData(text);
    repo.commit('big spenders: over 200');
  });

  it('an edited template: subjects and the text before and after, for the sample customers', async () => {
    repo.edit('templates/welcome.mjml', (t) => replaceOnce(t, 'We are glad you are here.', 'We are so glad you are here.'));
    repo.edit('templates/templates.yaml', (t) =>
      replaceOnce(
        t,
        `subject: "Welcome, {{ customer.first_name | default('friend') }}!"`,
        `subject: "Hello {{ customer.first_name | default('friend') }}, welcome!"`,
      ),
    );
    const { doc } = await planJson([repo.dir, '--base', 'HEAD', '--db', url, '--as-of', AS_OF], repo.root);
    expect(doc.definitions.map((d) => [d.key, d.change])).toEqual([
      ['Campaign/welcome_everyone', 'affected'],
      ['Template/welcome', 'changed'],
    ]);
    const t = doc.templates[0]!;
    expect(t).toMatchObject({
      name: 'welcome',
      category: { before: 'marketing', after: 'marketing' },
      unsubscribe: { before: true, after: true },
    });
    expect(t.samples.map((s) => s.subject)).toEqual([
      { before: 'Welcome, [first_name]!', after: 'Hello [first_name], welcome!' },
      { before: 'Welcome, friend!', after: 'Hello friend, welcome!' },
    ]);
    expect(t.samples[0]!.source).toBe('sample_data');
    expect(t.samples[0]!.text_diff).toContain('-We are glad you are here.');
    expect(t.samples[0]!.text_diff).toContain('+We are so glad you are here.');
    expect(doc.notes.map((n) => n.code)).toContain('HL450'); // rendered, but no --out for screenshots
    expectNoPersonalData(JSON.stringify(doc));
    repo.commit('a warmer welcome');
  });

  it('a file only reformatted (flow style, comments, key order) is no change', async () => {
    repo.write(
      'segments/markets.yaml',
      [
        '# Markets, written compactly.',
        'apiVersion: herald/v1',
        'kind: Segment',
        'metadata: { description: Customers in the United Kingdom, name: uk }',
        'spec: { where: country = "United Kingdom", live: true }',
        '---',
        'kind: Segment',
        'apiVersion: herald/v1',
        'metadata: { name: recent_spenders, description: Spent over 50 in the last 30 days (a trait) }',
        'spec:',
        '  where: "spend_30d > 50"   # the trait below',
        '  live: true',
        '---',
        'apiVersion: herald/v1',
        'kind: Trait',
        'metadata: { name: spend_30d }',
        'spec: { expression: sum(purchase.amount within 30d), type: number }',
        '',
      ].join('\n'),
    );
    const { doc, run } = await planJson([repo.dir, '--base', 'HEAD', '--db', url, '--as-of', AS_OF, '--detailed-exitcode'], repo.root);
    expect(run.code).toBe(0);
    expect(doc.changes).toBe(false);
    expect(doc.definitions).toEqual([]);
    expect(doc.unchanged_files).toEqual(['segments/markets.yaml']);
    expect(doc.summary.line).toBe('No changes (1 file edited without effect)');
    expect(doc.data).toMatchObject({ source: 'none', description: 'not needed: nothing changes' });
    repo.commit('markets, reformatted');
  });

  it('a journey step added: the journey changed, the new and changed steps named', async () => {
    repo.edit('journeys.yaml', (t) =>
      replaceOnce(
        t,
        '    remind: { send: thank_you, next: exit }\n',
        '    remind: { send: thank_you, next: wait_more }\n    wait_more: { wait_for: { event: purchase, timeout: 48h }, on_event: exit, on_timeout: nudge }\n    nudge: { send: welcome, next: exit }\n',
      ),
    );
    const out = join(repo.root, 'journey-artifact');
    const { doc, run } = await planJson(
      [repo.dir, '--base', 'HEAD', '--db', url, '--as-of', AS_OF, '--detailed-exitcode', '--out', out],
      repo.root,
    );
    expect(run.code).toBe(3);
    expect(doc.definitions.map((d) => [d.key, d.change, d.details])).toEqual([
      ['Journey/cart_recovery', 'changed', ['spec.steps.nudge', 'spec.steps.remind', 'spec.steps.wait_more']],
    ]);
    expect(doc.journeys).toEqual([
      expect.objectContaining({
        name: 'cart_recovery',
        change: 'changed',
        steps: { added: ['nudge', 'wait_more'], changed: ['remind'], removed: [] },
      }),
    ]);
    expect(doc.summary.line).toBe('1 journey changed');
    const diagram = doc.journeys[0]!.diagram!;
    expect(diagram.startsWith('flowchart TD\n')).toBe(true);
    expect(diagram).toContain('entry_(["on added_to_cart"]) --> s_wait_1h');
    for (const step of ['nudge', 'remind', 'wait_more']) expect(diagram).toContain(`class s_${step} changed`);
    expect(diagram).not.toContain('class s_wait_1h changed');
    // Three customers add to their cart on 2026-03-03 and buy nothing: a reminder an hour later,
    // and the new nudge when the 48 hours run out, all inside the simulated week; the one who
    // unsubscribed gets neither.
    const carts = ['c002', 'c004', 'c008'];
    const reached = await withDb(url, async (db) => {
      const withEmail = new Set(await customersWithEmail(db));
      return carts.filter((id) => withEmail.has(id) && id !== unsubscribed).length;
    });
    expect(reached).toBeGreaterThan(0);
    expect(doc.forecast!.by_origin).toEqual([{ kind: 'journey', name: 'cart_recovery', sends: 2 * reached, first_day: reached }]);
    expect(doc.forecast!.by_template).toEqual([
      { template: 'thank_you', sends: reached },
      { template: 'welcome', sends: reached },
    ]);
    expect(doc.forecast!.days.filter((d) => d.sends > 0)).toEqual([
      { date: '2026-03-03', sends: reached },
      { date: '2026-03-05', sends: reached },
    ]);
    expect(doc.forecast!.suppressed.suppressed ?? 0).toBe(carts.includes(unsubscribed) ? 2 : 0);
    const markdown = readFileSync(join(out, 'comment.md'), 'utf8');
    expect(markdown).toContain('<code>cart_recovery</code>: changed (steps: 2 added, 1 changed)');
    expect(markdown).toContain('- steps added: `nudge`, `wait_more`');
    expect(markdown).toContain(`\`\`\`mermaid\n${diagram.trimEnd()}\n\`\`\``);
    repo.commit('cart recovery: a nudge two days later');
  });

  it('leaves the database exactly as it was', async () => {
    expect(await withDb(url, snapshot)).toEqual(before);
  });
});

async function withDb<T>(url: string, fn: (db: Database) => Promise<T>): Promise<T> {
  const db = openDatabase(url);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** Reachable customers (consent, as `reachable` says) whose purchases in the year before AS_OF sum over `threshold`. */
async function bigSpenders(db: Database, threshold: number): Promise<string[]> {
  const rows = await db.kysely
    .selectFrom('customers as c')
    .select('c.id')
    .where('c.email_consent', '=', db.dialect === 'sqlite' ? 1 : true)
    .where((eb) =>
      eb(
        eb
          .selectFrom('events as e')
          .select(eb.fn.sum('e.amount').as('s'))
          .whereRef('e.customer_id', '=', 'c.id')
          .where('e.type', '=', 'purchase')
          .where('e.at', '>=', AS_OF_MS - 365 * DAY)
          .where('e.at', '<=', AS_OF_MS),
        '>',
        threshold,
      ),
    )
    .orderBy('c.id')
    .execute();
  return rows.map((r) => String(r.id));
}

async function customersWithEmail(db: Database): Promise<string[]> {
  const rows = await db.kysely.selectFrom('customers').select('id').where('email', 'is not', null).where('email', '!=', '').execute();
  return rows.map((r) => String(r.id));
}

/** Every table the plan could have touched, by row count and content fingerprint. */
async function snapshot(db: Database): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of [
    'customers',
    'events',
    'segment_memberships',
    'segment_runs',
    'trait_spend_30d',
    'delivery_suppressions',
    'herald_columns',
    'herald_migrations',
  ]) {
    const row = await db.kysely
      .selectFrom(table)
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst();
    out[table] = Number(row?.n ?? -1);
  }
  const open = await db.kysely
    .selectFrom('segment_memberships')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('exited_at', 'is', null)
    .executeTakeFirst();
  out.open_memberships = Number(open?.n ?? -1);
  const spend = await db.kysely
    .selectFrom('trait_spend_30d')
    .select((eb) => eb.fn.sum('value').as('s'))
    .executeTakeFirst();
  out.trait_sum = Math.round(Number(spend?.s ?? 0) * 100);
  return out;
}

function expectNoPersonalData(text: string): void {
  expect(text).not.toMatch(/@example\.test/);
  expect(text).not.toMatch(/\b(Ada|Bob|Cleo|Finn|Hana)\b/);
  expect(text).not.toMatch(/"c0\d\d"|\bc0\d\d\b/);
}
