import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { seededRng } from '../../runtime/models/rng.ts';
import { binomial, minimumDetectableEffect, normalQuantile, rateDifference } from '../../runtime/insights/stats.ts';
import { experimentsOf, planExperiment, type ExperimentSpec } from '../../runtime/insights/planning.ts';
import { runPipeline } from '../../compiler/index.ts';
import { runCli } from '../pipeline/run-cli.ts';
import { createRepo } from '../plan/support/repo.ts';
import { planJson } from '../plan/support/plan-run.ts';

const EXAMPLE = resolve('examples/ab-subject-test');

describe('minimum detectable effect', () => {
  it('is the textbook (z₀.₉₇₅ + z₀.₈)·√(p(1−p)(1/n₁ + 1/n₂))', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 6);
    expect(normalQuantile(0.8)).toBeCloseTo(0.841621, 6);
    expect(minimumDetectableEffect(0.05, 1000, 1000)).toBeCloseTo((1.959964 + 0.841621) * Math.sqrt(0.05 * 0.95 * 0.002), 5);
    // Bonferroni over 3 comparisons: z at 1 − 0.05/6.
    expect(minimumDetectableEffect(0.05, 1000, 1000, { alpha: 0.05, comparisons: 3 })).toBeCloseTo(
      (normalQuantile(1 - 0.05 / 6) + 0.841621) * Math.sqrt(0.05 * 0.95 * 0.002),
      5,
    );
  });

  it('has about 80% power: a true effect of that size is found in about 80% of simulated tests', () => {
    const rng = seededRng(11);
    const n = 2000;
    const p = 0.06;
    const effect = minimumDetectableEffect(p, n, n);
    let found = 0;
    const runs = 1500;
    for (let i = 0; i < runs; i++) {
      const d = rateDifference(binomial(n, p + effect, rng), n, binomial(n, p, rng), n)!;
      if (d.low > 0) found++;
    }
    expect(found / runs).toBeGreaterThan(0.75);
    expect(found / runs).toBeLessThan(0.86);
  });

  it('plans a split by its least powered comparison, corrected for A/B/n', () => {
    const spec: ExperimentSpec = {
      kind: 'campaign',
      name: 'c',
      experiment: 'x',
      variants: { a: 30, b: 30, c: 30 },
      holdout: 10,
      minimumEffect: 0.02,
      path: [],
      templates: {},
    };
    const plan = planExperiment(spec, { value: 10_000, from: 'declared' }, { value: 0.05, from: 'declared' });
    expect(plan.comparisons).toBe(3);
    expect(plan.minimumDetectableEffect).toBeCloseTo(minimumDetectableEffect(0.05, 3000, 1000, { alpha: 0.05, comparisons: 3 }), 12);
    expect(plan.detectable).toBe(false);
    const two = planExperiment(
      { ...spec, variants: { a: 45, b: 45 } },
      { value: 100_000, from: 'declared' },
      { value: 0.05, from: 'declared' },
    );
    expect(two.comparisons).toBe(1);
    expect(two.detectable).toBe(true);
  });
});

describe('planning in herald test and herald plan', () => {
  const dir = mkdtempSync(join(tmpdir(), 'herald-planning-'));
  const ws = join(dir, 'ab');
  cpSync(EXAMPLE, ws, { recursive: true, filter: (src) => !/[\\/]\.herald([\\/]|$)/.test(src) });
  const campaigns = readFileSync(join(ws, 'campaigns.yaml'), 'utf8');
  const withPlanning = (extra: string) => campaigns.replace('    holdout: 10\n', `    holdout: 10\n${extra}`);
  const repo = createRepo({ from: EXAMPLE, folder: 'ab' });
  afterAll(() => repo.remove());

  it('herald test warns HL397 at minimum_effect when the declared audience cannot detect it', async () => {
    writeFileSync(join(ws, 'campaigns.yaml'), withPlanning('    minimum_effect: 0.01\n    expected_audience: 2000\n    base_rate: 0.05\n'));
    const run = await runCli(['test', ws], dir, { PATH: process.env.PATH });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      /experiment spring_subject \(campaign spring_collection\): smallest detectable effect 4\.8 pts at 80% power for 2,000 customers \(declared\) at a base rate of 5\.0% \(declared\); wants 1\.0 pts: NOT detectable/,
    );
    expect(run.stderr).toMatch(/campaigns\.yaml:19:21: warning\[HL397\]: experiment "spring_subject" can detect 4\.8 points at 80% power/);

    writeFileSync(
      join(ws, 'campaigns.yaml'),
      withPlanning('    minimum_effect: 0.01\n    expected_audience: 200000\n    base_rate: 0.05\n'),
    );
    const big = await runCli(['test', ws, '--format', 'json'], dir, { PATH: process.env.PATH });
    expect(JSON.parse(big.stdout).experiments[0]).toMatchObject({ experiment: 'spring_subject', detectable: true, audience: 200000 });
    expect(big.stderr).not.toContain('HL397');
  });

  it('herald plan reports the changed split on the data and warns HL397', async () => {
    repo.commit('base');
    repo.edit('campaigns.yaml', (t) => t.replace('    holdout: 10\n', '    holdout: 10\n    minimum_effect: 0.02\n    base_rate: 0.04\n'));
    const { doc } = await planJson(['ab', '--base', 'main', '--data', 'sample'], repo.root);
    expect(doc.experiments).toHaveLength(1);
    const x = doc.experiments![0]!;
    expect(x).toMatchObject({
      kind: 'campaign',
      name: 'spring_collection',
      experiment: 'spring_subject',
      audience_from: 'data',
      base_rate: 0.04,
      base_rate_from: 'declared',
      detectable: false,
      minimum_effect: 0.02,
    });
    expect(x.audience).toBeGreaterThan(0);
    expect(x.minimum_detectable_effect).toBeCloseTo(minimumDetectableEffect(0.04, (x.audience * 45) / 100, (x.audience * 10) / 100), 9);
    expect(doc.notes.some((n) => n.code === 'HL397' && n.severity === 'warning')).toBe(true);
  });
});

describe('splits as the manifest compiles them', () => {
  it("reads a journey split's variants, holdout, templates and planning figures from its compiled step", () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-planning-'));
    cpSync(resolve('examples/cart-abandonment'), dir, { recursive: true });
    const file = join(dir, 'journeys.yaml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(
        '        holdout: 10\n',
        '        holdout: 10\n        minimum_effect: 0.03\n        expected_audience: 5000\n',
      ),
    );
    const manifest = runPipeline(dir, { emit: true }).emitted?.manifest;
    expect(manifest).toBeDefined();
    expect(experimentsOf(manifest!)).toEqual([
      {
        kind: 'journey',
        name: 'cart_recovery',
        experiment: 'cart_offer_test',
        variants: { free_shipping: 45, ten_percent: 45 },
        holdout: 10,
        minimumEffect: 0.03,
        expectedAudience: 5000,
        path: ['spec', 'steps', 'offer', 'split'],
        templates: { free_shipping: 'cart_offer_ship', ten_percent: 'cart_offer_10' },
      },
    ]);
  });
});
