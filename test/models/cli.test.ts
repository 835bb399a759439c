import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { runPipeline } from '../../compiler/index.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import { openDatabase } from '../../runtime/db/open.ts';
import { syncSchema } from '../../runtime/db/sync.ts';
import { migrate } from '../../runtime/db/migrate.ts';
import { DAY, generateShop } from './support/generate.ts';

async function herald(args: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const sink = (write: (s: string) => void) =>
    new Writable({
      write(chunk, _enc, done) {
        write(String(chunk));
        done();
      },
    });
  const code = await main(args, { stdout: sink((s) => (stdout += s)), stderr: sink((s) => (stderr += s)), cwd: process.cwd(), env });
  return { code, stdout, stderr };
}

const shop = generateShop({ customers: 200, seed: 9 });

describe('herald train / herald score', () => {
  let dir = '';
  let db = '';
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'herald-train-cli-'));
    cpSync(join(import.meta.dirname, 'fixtures', 'shop'), dir, { recursive: true });
    db = `sqlite:${join(dir, '.herald', 'shop.db')}`;
    const manifest = runPipeline(dir, { emit: true }).emitted!.manifest as Manifest;
    const database = openDatabase(db);
    try {
      await migrate(database);
      await syncSchema(database, manifest.dataModel);
      await database.kysely
        .insertInto('customers')
        .values(shop.customers.map((c) => ({ id: c.id, country: c.country, email: `${c.id}@example.test` })))
        .execute();
      for (let i = 0; i < shop.events.length; i += 500) {
        await database.kysely
          .insertInto('events')
          .values(
            shop.events.slice(i, i + 500).map((e, k) => ({
              id: `e${i + k}`,
              customer_id: e.customer_id,
              type: e.type,
              at: e.at,
              item_id: e.item_id,
              amount: e.amount,
            })),
          )
          .execute();
      }
      await database.kysely
        .insertInto('items')
        .values(shop.items.map((it) => ({ id: it.id, category: it.category, price: it.price })))
        .execute();
    } finally {
      await database.close();
    }
  });
  afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

  /** The day `days` after the last event (cut-offs are the data's end less the label or evaluation window). */
  const day = (days: number) => new Date(Math.max(...shop.events.map((e) => e.at)) + days * DAY).toISOString().slice(0, 10);
  /** `  label  model  baseline…` rows of the train table, as numbers. */
  const row = (stdout: string, label: string) => {
    const line = stdout.split('\n').find((l) => l.trimStart().startsWith(`${label} `));
    return line
      ?.trim()
      .split(/\s{2,}/)
      .slice(1)
      .map((cell) => Number(cell.split(' [')[0]));
  };

  it('before training: score and segments stop with HL572 and say to run herald train (exit 1)', async () => {
    const r = await herald(['score', dir, '--db', db, '--model', 'repurchase_90d']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error[HL572]: model repurchase_90d has never been trained');
    expect(r.stderr).toContain('help: run `herald train --model repurchase_90d`');
    expect(r.stderr).toContain(
      'warning[HL442]: segment likely_buyers reads score(repurchase_90d) or tier(repurchase_90d), but model repurchase_90d has no active version',
    );
    const s = await herald(['segments', dir, '--db', db, '--as-of', '2025-01-01']);
    expect(s.code).toBe(1);
    expect(s.stderr).toContain(
      'error[HL572]: segment likely_buyers reads score(repurchase_90d) or tier(repurchase_90d), but model repurchase_90d has never been trained',
    );
    expect(s.stderr).toContain('help: run `herald train --model repurchase_90d`, then `herald score --model repurchase_90d`');
    expect(s.stderr).not.toContain('    at '); // no stack trace
  });

  it('before training: validate and compile warn (HL442) at the segment that reads the model, where the database exists', async () => {
    for (const command of ['validate', 'compile']) {
      const v = await herald([command, dir], { HERALD_DATABASE_URL: db });
      expect(v.code).toBe(0);
      expect(v.stdout).toContain('segments.yaml:5:10');
      expect(v.stdout).toContain(
        'warning[HL442]: segment likely_buyers reads tier(repurchase_90d), but model repurchase_90d has never been trained',
      );
      expect(v.stdout).toContain('run `herald train --model repurchase_90d`');
    }
    const json = JSON.parse((await herald(['validate', dir, '--format', 'json'], { HERALD_DATABASE_URL: db })).stdout);
    expect(JSON.stringify(json)).toContain('"HL442"');
    // Without a database (the workspace's default file does not exist) there is nothing to compare with.
    const none = await herald(['validate', dir]);
    expect(none.code).toBe(0);
    expect(none.stdout).not.toContain('HL442');
  });

  it('trains every model, prints metrics beside the baselines, writes reports, then reports them unchanged', async () => {
    const r = await herald(['train', dir, '--db', db]);
    expect(r.stderr).not.toContain('internal error');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(
        `^next_items v1: activated \\(recommendations, hybrid; \\d+ training and \\d+ held-out customers; cut-off ${day(-30)}\\)$`,
        'm',
      ),
    );
    expect(r.stdout).toMatch(
      new RegExp(
        `^repurchase_90d v1: activated \\(propensity, logistic; \\d+ training and \\d+ held-out rows; cut-off ${day(-90)}\\)$`,
        'm',
      ),
    );
    // Backtest columns: the model, then EASE, PureSVD, item-kNN, recent and all-time popularity.
    expect(r.stdout).toMatch(/^ {4}\s+model\s+EASE\s+PureSVD\s+item-kNN\s+recent popularity\s+popularity$/m);
    const [precision, , , , recent, popularity] = row(r.stdout, 'precision@5')!;
    // Customers with little history and new items are rows of their own.
    expect(row(r.stdout, 'precision@5, ≤ 3 items before')).toHaveLength(6);
    expect(precision).toBeGreaterThan(recent! * 1.2);
    expect(precision).toBeGreaterThan(popularity!);
    const [auc, plain, single] = row(r.stdout, 'AUC')!;
    expect(auc).toBeGreaterThan(0.5);
    expect(plain).toBeGreaterThan(0.5);
    expect(single).toBeGreaterThan(0.5);
    expect(r.stdout).toMatch(/^ {2}final test fold \(cut-off \d{4}-\d\d-\d\d, read by no bar\):$/m);
    expect(r.stdout).toMatch(/^ {2}lift over the baseline: [\d.]+x \(bar: 1\.2x\)$/m);
    expect(r.stdout).toContain(`  report: ${relative(process.cwd(), join(dir, '.herald/models/repurchase_90d/v1/report.md'))}`);
    expect(existsSync(join(dir, '.herald/models/repurchase_90d/v1/report.md'))).toBe(true);
    expect(r.stderr).not.toContain('HL442');
    expect((await herald(['validate', dir], { HERALD_DATABASE_URL: db })).stdout).not.toContain('HL442');
    const again = await herald(['train', dir, '--db', db, '--model', 'repurchase_90d', '--format', 'json']);
    expect(JSON.parse(again.stdout).models[0]).toMatchObject({ model: 'repurchase_90d', status: 'unchanged', version: 1, active: true });
    const pretty = await herald(['train', dir, '--db', db, '--model', 'repurchase_90d']);
    expect(pretty.stdout).toMatch(/^repurchase_90d v1: unchanged \(same spec and data; --force retrains\), in use$/m);
    expect(row(pretty.stdout, 'AUC')).toEqual([auc, single]);
  });

  it('scores, printing the tier distribution and drift, and never a customer; segments then read the tiers', async () => {
    const r = await herald(['score', dir, '--db', db]);
    expect(r.code).toBe(0);
    const known = new Set(shop.events.map((e) => e.customer_id)).size;
    const high = Math.round(0.2 * known);
    const medium = Math.round(0.5 * known) - high;
    expect(r.stdout).toMatch(
      new RegExp(
        `^repurchase_90d v1: ${known} customers \\(high ${high}, medium ${medium}, low ${known - high - medium}\\), PSI vs training [\\d.]+ \\((stable|a moderate shift|drifted)\\)$`,
        'm',
      ),
    );
    expect(r.stdout).toContain(`  drift report: ${relative(process.cwd(), join(dir, '.herald/models/repurchase_90d/v1/drift.md'))}`);
    expect(r.stdout).toMatch(/^next_items v1: 200 customers \(with_history \d+, cold_start \d+\), 1000 recommendations$/m);
    expect(r.stdout + r.stderr).not.toMatch(/c0\d{4}|@example\.test/);
    const s = await herald(['segments', dir, '--db', db, '--as-of', '2025-01-01', '--format', 'json']);
    expect(s.code).toBe(0);
    expect(JSON.parse(s.stdout).segments).toContainEqual(expect.objectContaining({ segment: 'likely_buyers', members: high }));
    // explain evaluates the rule in JavaScript on the stored tiers, and agrees with the SQL.
    const database = openDatabase(db);
    const tiers = await database.kysely
      .selectFrom('model_scores')
      .select(['customer_id', 'tier'])
      .where('model', '=', 'repurchase_90d')
      .orderBy('customer_id')
      .execute();
    await database.close();
    for (const pick of [tiers.find((t) => t.tier === 'high')!, tiers.find((t) => t.tier === 'low')!]) {
      const e = await herald(['explain', String(pick.customer_id), dir, '--db', db, '--as-of', '2025-01-01']);
      expect(e.stdout).toContain(`likely_buyers: ${pick.tier === 'high' ? 'IN' : 'OUT'}`);
      expect(e.stdout).toContain(`[tier(repurchase_90d) is "${pick.tier}"]`);
    }
  });

  it('a bar that is not met: exit 1, the reason, the previous version stays active', async () => {
    const models = join(dir, 'models.yaml');
    const original = readFileSync(models, 'utf8');
    writeFileSync(models, original.replace('min_auc: 0.5', 'min_auc: 0.999'));
    try {
      const r = await herald(['train', dir, '--db', db, '--model', 'repurchase_90d']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/error\[HL576\]: repurchase_90d v2 is not activated: auc [\d.]+ is below the bar min_auc: 0\.999/);
      const s = await herald(['score', dir, '--db', db, '--model', 'repurchase_90d']);
      expect(s.stdout).toMatch(/^repurchase_90d v1:/m);
      expect(s.stderr).toContain('warning[HL577]');
    } finally {
      writeFileSync(models, original);
    }
  });

  it('an unknown model is a usage error with a suggestion', async () => {
    const r = await herald(['train', dir, '--db', db, '--model', 'repurchase_90']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no model "repurchase_90" in this workspace; did you mean "repurchase_90d"?');
  });
});
