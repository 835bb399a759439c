import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPipeline } from '../../compiler/index.ts';
import type { ModelJobSpec } from '../../compiler/contract/model-job.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import { modelsReadByRules } from '../../runtime/models/require-trained.ts';

/**
 * The flagship workspace's models compile into training jobs with the settings the quality bars
 * rest on. (Training them needs the ingested Online Retail data: `herald train campaigns`, and
 * bench/models.bench.ts for the timings.)
 */
describe('the flagship models', () => {
  const result = runPipeline(join(import.meta.dirname, '..', '..', 'campaigns'), { emit: true });
  const manifest = result.emitted?.manifest as Manifest;
  const job = (name: string) => manifest.definitions[`Model/${name}`]!.compiled as ModelJobSpec;

  it('compile without errors or warnings of their own', () => {
    const ours = result.diagnostics.filter((d) => d.file?.startsWith('models/') || d.file === 'segments/predicted.yaml');
    expect(ours).toEqual([]);
    expect(manifest).toBeDefined();
  });

  it('repurchase_90d: logistic on buyers, backtested over 3 folds beside the RFM reference with bars that reject a worse model', () => {
    const j = job('repurchase_90d');
    expect(j).toMatchObject({ type: 'propensity', algorithm: 'logistic', label: { horizonMs: 90 * 86_400_000 } });
    expect(j.population?.rule).toBe('exists(purchase within 3650d)');
    expect(j.evaluation).toMatchObject({
      folds: 3,
      foldStepMs: 30 * 86_400_000,
      reference: ['recency', 'frequency', 'monetary'],
      bar: { min_auc: 0.7, min_lift_over_baseline: 1.05, max_gap_to_reference: 0.01 },
    });
    expect(j.features.every((f) => f.sql?.sqlite && f.sql.postgres)).toBe(true);
  });

  it('value_90d: a Huber regression on net spend (refunds netted) with the 20/30/50 tiers', () => {
    const j = job('value_90d');
    expect(j).toMatchObject({
      type: 'regression',
      training: { target: 'raw', loss: 'huber' },
      tiers: [
        { name: 'high', fraction: 0.2 },
        { name: 'medium', fraction: 0.3 },
        { name: 'low', fraction: 0.5 },
      ],
    });
    expect(j.label!.rule).toContain('refund.amount within next 90d');
    expect(j.features.find((f) => f.name === 'monetary')!.rule).toContain('refund.amount');
  });

  it('shopper_clusters: four named groups ordered by spend; next_products: an EASE hybrid held to 1.2x recent popularity and level with the best classic recommender', () => {
    expect(job('shopper_clusters').clusters).toMatchObject({
      k: 4,
      orderBy: 'monetary',
      names: ['champions', 'regulars', 'newcomers', 'lapsed'],
    });
    expect(job('next_products')).toMatchObject({
      algorithm: 'hybrid',
      recommendations: { weights: { ease: 0.5, item_cosine: 0.2, content: 0.1, popularity: 0.2 }, itemFeatures: ['name', 'price'], k: 10 },
      training: { halfLifeMs: 90 * 86_400_000 },
      evaluation: { folds: 3, windowMs: 30 * 86_400_000, bar: { min_lift_over_baseline: 1.2, max_gap_to_reference: 0.02 } },
    });
  });

  it('the predicted segments read the models, so segments need them trained first', () => {
    expect(Object.fromEntries(modelsReadByRules(manifest))).toEqual({
      repurchase_90d: ['Segment/at_risk_valuable', 'Segment/likely_repurchasers', 'Segment/newcomers_to_nurture'],
      shopper_clusters: ['Segment/champions', 'Segment/newcomers_to_nurture'],
      value_90d: ['Segment/predicted_high_value'],
    });
  });
});
