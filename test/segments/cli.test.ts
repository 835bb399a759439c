import { afterAll, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { forEachDialect } from '../support/postgres.ts';
import { openDatabase } from '../../runtime/db/open.ts';
import { herald, workspace, HERALD_YAML, SEGMENTS_YAML } from './cli-helpers.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);

forEachDialect('herald segments and herald explain', (ctx) => {
  const dir = workspace({ 'herald.yaml': HERALD_YAML, 'segments.yaml': SEGMENTS_YAML });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('materializes, reports entered/exited across runs, and explains with personal data masked', async () => {
    const url = await ctx.freshUrl();
    // First run on an empty database: creates the schema, nobody is a member.
    const empty = await herald(['segments', dir, '--db', url, '--as-of', '2026-01-01', '--format', 'json']);
    expect(empty.stderr).not.toContain('error');
    expect(empty.code).toBe(0);

    const db = openDatabase(url);
    const consent = ctx.dialect === 'sqlite' ? 1 : true;
    await db.kysely
      .insertInto('customers')
      .values([
        { id: 'c1', email: 'ada@example.test', first_name: 'Ada', country: 'UK', email_consent: consent },
        { id: 'c2', email: 'bob@elsewhere.test', first_name: 'Bob', country: 'FR', email_consent: consent },
      ])
      .execute();
    await db.kysely
      .insertInto('events')
      .values([
        { id: 'p1', customer_id: 'c1', type: 'purchase', at: T0 + 5 * DAY, amount: 20 },
        { id: 'p2', customer_id: 'c2', type: 'purchase', at: T0 + 20 * DAY, amount: 30 },
      ])
      .execute();
    await db.close();

    const first = await herald(['segments', dir, '--db', url, '--as-of', '2026-01-10', '--format', 'json']);
    expect(first.code).toBe(0);
    const doc = JSON.parse(first.stdout);
    expect(doc).toMatchObject({ version: 1, as_of: '2026-01-10T00:00:00.000Z' });
    const counts = Object.fromEntries(
      doc.segments.map((s: { segment: string; members: number; entered: number; exited: number }) => [
        s.segment,
        [s.members, s.entered, s.exited],
      ]),
    );
    expect(counts).toEqual({ recent_buyers: [1, 1, 0], example_mail: [1, 1, 0] });

    const second = await herald(['segments', dir, '--db', url, '--as-of', '2026-02-10']);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/recent_buyers\s+1\s+\+1\s+-1/);

    const going_back = await herald(['segments', dir, '--db', url, '--as-of', '2026-01-15']);
    expect(going_back.code).toBe(1);
    expect(going_back.stderr).toContain('already materialized as of 2026-02-10');

    const explained = await herald(['explain', 'c1', dir, '--db', url]);
    expect(explained.code).toBe(0);
    expect(explained.stdout).toContain('as of 2026-02-10T00:00:00.000Z');
    expect(explained.stdout).toMatch(/recent_buyers: OUT/);
    expect(explained.stdout).toMatch(/example_mail: IN/);
    expect(explained.stdout).toContain('email is ***');
    expect(explained.stdout).not.toContain('ada@example.test');

    const shown = await herald(['explain', 'c1', dir, '--db', url, '--show-pii', '--format', 'json']);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('ada@example.test');
    expect(JSON.parse(shown.stdout)).toMatchObject({ version: 1, customer: 'c1', pii_masked: false });
  });
});
