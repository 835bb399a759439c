import { describe, expect, it } from 'vitest';
import { renderDriftReport } from '../../runtime/models/report/drift.ts';
import { metricsTable } from '../../runtime/models/report/summary.ts';

describe('the train table', () => {
  it('puts the model beside its baseline and reference model, one metric a row, numbers aligned', () => {
    const lines = metricsTable('propensity', {
      metrics: { auc: 0.737, log_loss: 0.5891, brier: 0.2044, positive_rate: 0.58 },
      baseline: { name: 'best single feature', metrics: { auc: 0.7001, log_loss: 0.6805, brier: 0.2437 } },
      reference: { name: 'rfm', metrics: { auc: 0.7287, log_loss: 0.6053, brier: NaN } },
    });
    expect(lines).toEqual([
      '              model  best feature  reference',
      'AUC          0.7370        0.7001     0.7287',
      'log loss     0.5891        0.6805     0.6053',
      'Brier score  0.2044        0.2437        n/a',
    ]);
  });

  it('names ranking metrics by their k, and leaves counts out', () => {
    const lines = metricsTable('recommendations', {
      metrics: { precision_at_k: 0.0667, ndcg_at_k: 0.08, k: 10, customers: 300 },
      baseline: { name: 'popularity', metrics: { precision_at_k: 0.0297, ndcg_at_k: 0.03 } },
    });
    expect(lines).toEqual(['               model  popularity', 'precision@10  0.0667      0.0297', 'nDCG@10       0.0800      0.0300']);
  });
});

describe('the drift report', () => {
  it('shows training and newest shares bin by bin, with the PSI and what it means', () => {
    const bins = Array.from({ length: 10 }, (_, i) => ({
      upTo: i < 9 ? (i + 1) / 10 : null,
      training: 0.1,
      newest: i === 0 ? 0.55 : 0.05,
    }));
    const files = renderDriftReport({ model: 'm', version: 3, asOf: '2011-12-09T00:00:00.000Z', customers: 1234, psi: 0.812, bins });
    expect([...files.keys()]).toEqual(['drift.json', 'drift.md', 'drift.svg']);
    const md = files.get('drift.md')!;
    expect(md).toContain('Scores of 1234 customers as of 2011-12-09T00:00:00.000Z');
    expect(md).toContain('Population stability index: **0.812**, drifted: retrain and check the features for upstream changes.');
    expect(md).toContain('| 1 | ≤ 0.100 | 10.0% | 55.0% |');
    expect(md).toContain('| 10 | > 0.900 | 10.0% | 5.0% |');
    expect(files.get('drift.svg')).toMatch(
      /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[^>]*aria-label="Score distribution: training vs newest \(PSI 0.812\)"/,
    );
    expect(JSON.parse(files.get('drift.json')!)).toMatchObject({ model: 'm', version: 3, psi: 0.812, bins });
  });
});
