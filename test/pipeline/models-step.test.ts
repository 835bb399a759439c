import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';
import { CAMPAIGNS } from './support/flagship-subset.ts';
import { forEachDialect } from '../support/postgres.ts';

/**
 * The models step of the main job, on a workspace small enough to train in seconds: three weeks
 * of the Online Retail data and a clustering model. It trains (metrics beside the baseline),
 * scores every customer, and on a second run finds the model unchanged and does not retrain.
 */
function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'herald-models-step-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(join(CAMPAIGNS, 'herald.yaml'), join(dir, 'herald.yaml'));
  mkdirSync(join(dir, 'sources'));
  cpSync(join(CAMPAIGNS, 'sources', 'online-retail.yaml'), join(dir, 'sources', 'online-retail.yaml'));
  mkdirSync(join(dir, 'data', 'online-retail'), { recursive: true });
  const retail = join(CAMPAIGNS, 'data', 'online-retail');
  for (const f of readdirSync(retail)
    .filter((f) => f.endsWith('.csv'))
    .sort()
    .slice(0, 18))
    cpSync(join(retail, f), join(dir, 'data', 'online-retail', f));
  mkdirSync(join(dir, 'models'));
  writeFileSync(
    join(dir, 'models', 'spenders.yaml'),
    [
      'apiVersion: herald/v1',
      'kind: Model',
      'metadata: { name: spenders, description: Big and small spenders }',
      'spec:',
      '  type: clusters',
      '  population: exists(purchase within 3650d)',
      '  features:',
      '    lines: count(purchase within 365d)',
      '    monetary: sum(purchase.amount within 365d)',
      '  clusters: { k: 2, order_by: monetary, names: [big, small] }',
      '  evaluation: { min_silhouette: 0.2 }',
      '',
    ].join('\n'),
  );
  return dir;
}

forEachDialect('the main job trains and scores models', (ctx) => {
  it('trains, prints metrics beside the baseline, scores, and does not retrain unchanged models', async () => {
    const dir = workspace();
    const db = await ctx.freshUrl();
    const first = await runCli(['pipeline', dir, '--db', db, '--out', join(dir, 'out')], dir, { CI: 'true' });
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^\[3\/\d\] models$/m);
    expect(first.stdout).toMatch(/^ {6}spenders v1: activated \(clusters/m);
    // The model's metric beside the baseline's (one cluster for everyone).
    expect(first.stdout).toMatch(/^ {6} +silhouette +0\.\d+ +0$/m);
    expect(first.stdout).toMatch(/^ {6}spenders v1: \d+ customers \(big \d+, small \d+\)/m);
    expect(first.stdout).toMatch(/skipped: the workspace has no templates/);

    const second = await runCli(['pipeline', dir, '--db', db, '--out', join(dir, 'out')], dir, { CI: 'true' });
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(second.stdout).toMatch(/^ {6}spenders v1: unchanged/m);
    expect(second.stdout).not.toContain('spenders v2');
    expect(second.stdout).toMatch(/^ {6}spenders v1: \d+ customers/m);
  });
});
