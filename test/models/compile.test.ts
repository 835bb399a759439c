import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runPipeline } from '../../compiler/index.ts';
import { compileModelSpec, labelHorizonMs } from '../../compiler/models/compile-spec.ts';
import { parseDuration } from '../../compiler/contract/core/durations.ts';
import type { ModelJobSpec } from '../../compiler/contract/model-job.ts';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'shop');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The fixture workspace with models.yaml replaced. */
function workspaceWith(models: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'herald-model-ws-'));
  dirs.push(dir);
  cpSync(join(FIXTURE, 'herald.yaml'), join(dir, 'herald.yaml'));
  writeFileSync(join(dir, 'models.yaml'), models);
  return dir;
}

function model(spec: string, name = 'm'): string {
  return `apiVersion: herald/v1\nkind: Model\nmetadata: { name: ${name} }\nspec:\n${spec
    .trim()
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n')}\n`;
}

function diagnostics(dir: string) {
  return runPipeline(dir, { emit: true }).diagnostics.map((d) => ({
    code: d.code,
    line: d.range?.start.line,
    column: d.range?.start.column,
    message: d.message,
    help: d.help,
  }));
}

describe('Model compile', () => {
  it('emits a training job with every default, rule ASTs and a spec hash', () => {
    const result = runPipeline(FIXTURE, { emit: true });
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const manifest = result.emitted!.manifest as { definitions: Record<string, { compiled: ModelJobSpec }> };
    const job = manifest.definitions['Model/repurchase_90d']!.compiled;
    expect(job).toMatchObject({
      type: 'propensity',
      algorithm: 'logistic',
      evaluation: { folds: 3, foldStepMs: 30 * 86_400_000, bar: { min_auc: 0.5 } },
    });
    expect(job.label).toMatchObject({
      rule: 'exists(purchase within next 90d)',
      horizonMs: 90 * 86_400_000,
      ast: { kind: 'aggregate', fn: 'exists' },
    });
    expect(job.features.map((f) => f.name)).toEqual(['recency', 'frequency', 'monetary', 'country_uk']);
    expect(job.features[1]!.ast).toEqual({
      kind: 'aggregate',
      fn: 'count',
      event: 'purchase',
      window: { kind: 'past', duration: { kind: 'duration', amount: 365, unit: 'd' } },
    });
    expect(job.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.parse(result.emitted!.files.get('models/repurchase_90d.json')!)).toEqual(job);
  });

  it('the spec hash ignores key order and changes with any setting', () => {
    const a = compileModelSpec('m', {
      type: 'propensity',
      label: 'exists(purchase within next 30d)',
      features: { f: 'count(purchase within 30d)' },
      training: { seed: 1, epochs: 5 },
    });
    const b = compileModelSpec('m', {
      training: { epochs: 5, seed: 1 },
      features: { f: 'count(purchase within 30d)' },
      label: 'exists(purchase within next 30d)',
      type: 'propensity',
    });
    const c = compileModelSpec('m', {
      type: 'propensity',
      label: 'exists(purchase within next 30d)',
      features: { f: 'count(purchase within 30d)' },
      training: { seed: 2, epochs: 5 },
    });
    expect(a.hash).toBe(b.hash);
    expect(c.hash).not.toBe(a.hash);
  });

  it('reads the label horizon from its longest `within next` window', () => {
    expect(labelHorizonMs('exists(purchase within next 90d) or count(page_view within next 2w) > 3')).toBe(90 * 86_400_000);
    expect(labelHorizonMs('email_consent')).toBe(0);
  });

  it('reports an algorithm of another type, with a suggestion', () => {
    const dir = workspaceWith(
      model(
        `type: propensity\nalgorithm: linear\nlabel: exists(purchase within next 30d)\nfeatures: { f: count(purchase within 30d) }\nevaluation: { min_auc: 0.6 }`,
      ),
    );
    expect(diagnostics(dir)).toContainEqual({
      code: 'HL370',
      line: 6,
      column: 14,
      message: 'algorithm linear does not fit a propensity model',
      help: 'use one of logistic, neural_network',
    });
  });

  it('reports tiers that do not add up to 1', () => {
    const dir = workspaceWith(
      model(
        `type: propensity\nlabel: exists(purchase within next 30d)\nfeatures: { f: count(purchase within 30d) }\ntiers: { high: 0.3, low: 0.5 }\nevaluation: { min_auc: 0.6 }`,
      ),
    );
    expect(diagnostics(dir)).toContainEqual(expect.objectContaining({ code: 'HL371', line: 8, message: 'tiers add up to 0.8, not 1' }));
  });

  it('reports a missing label, a label with no future window, and a text feature at its column', () => {
    const noLabel = workspaceWith(model(`type: regression\nfeatures: { f: count(purchase within 30d) }\nevaluation: { max_rmse: 10 }`));
    expect(diagnostics(noLabel).map((d) => d.code)).toContain('HL372');
    const noFuture = workspaceWith(
      model(
        `type: propensity\nlabel: count(purchase within 30d) > 0\nfeatures: { f: count(purchase within 30d) }\nevaluation: { min_auc: 0.6 }`,
      ),
    );
    expect(diagnostics(noFuture).map((d) => d.code)).toContain('HL374');
    const text = workspaceWith(
      model(`type: propensity\nlabel: exists(purchase within next 30d)\nfeatures:\n  where: country\nevaluation: { min_auc: 0.6 }`),
    );
    expect(diagnostics(text)).toContainEqual(
      expect.objectContaining({ code: 'HL379', line: 8, column: 12, message: 'feature where is a string, not a number' }),
    );
  });

  it('reports a propensity label that is not a boolean', () => {
    const dir = workspaceWith(
      model(
        `type: propensity\nlabel: count(purchase within next 30d)\nfeatures: { f: count(purchase within 30d) }\nevaluation: { min_auc: 0.6 }`,
      ),
    );
    expect(diagnostics(dir).map((d) => d.code)).toContain('HL332');
  });

  it('reports unknown interaction events and item fields with did-you-mean', () => {
    const dir = workspaceWith(
      model(
        `type: recommendations\ninteractions: { purchse: 1 }\nalgorithm: content\nitem_features: [categroy]\nevaluation: { min_precision_at_k: 0.1 }`,
      ),
    );
    const found = diagnostics(dir);
    expect(found).toContainEqual(
      expect.objectContaining({ code: 'HL377', message: '"purchse" is not an event of the data model', help: 'did you mean "purchase"?' }),
    );
    expect(found).toContainEqual(
      expect.objectContaining({
        code: 'HL376',
        message: '"categroy" is not an item field of the data model',
        help: 'did you mean "category"?',
      }),
    );
  });

  it('warns about bars and settings of another model type, and about a model without a bar', () => {
    const dir = workspaceWith(
      model(
        `type: regression\nlabel: sum(purchase.amount within next 30d)\nfeatures: { f: count(purchase within 30d) }\nk: 5\nevaluation: { min_auc: 0.7 }`,
      ),
    );
    const codes = diagnostics(dir).map((d) => `${d.code} ${d.message}`);
    expect(codes).toContain('HL378 min_auc is not checked for a regression model');
    expect(codes).toContain('HL378 k is only used by recommendations models');
    expect(codes).toContain('HL440 model m has no evaluation bar, so every trained version is activated');
  });

  it('reports invalid cluster settings', () => {
    const dir = workspaceWith(
      model(
        `type: clusters\nfeatures: { f: count(purchase within 30d) }\nclusters: { k: 3, k_range: [5, 2] }\nevaluation: { min_silhouette: 0.2 }`,
      ),
    );
    const codes = diagnostics(dir)
      .filter((d) => d.code === 'HL375')
      .map((d) => d.message);
    expect(codes).toEqual(['give either k or k_range, not both', 'k_range [5, 2] runs backwards']);
  });

  it('the schema rejects an unknown setting', () => {
    const dir = workspaceWith(
      model(`type: propensity\nlabel: exists(purchase within next 30d)\nfeatures: { f: count(purchase within 30d) }\nepochs: 5`),
    );
    expect(diagnostics(dir).some((d) => d.code.startsWith('HL2') && /epochs/.test(d.message))).toBe(true);
  });
});

describe('rules reading a model', () => {
  it('warns when score() reads a model that writes no score', () => {
    const dir = workspaceWith(
      model(
        `type: recommendations\ninteractions: { purchase: 1 }\nalgorithm: item_cosine\nevaluation: { min_lift_over_baseline: 1.2 }`,
        'next_items',
      ) + `---\napiVersion: herald/v1\nkind: Segment\nmetadata: { name: keen }\nspec:\n  where: score(next_items) > 0.5\n`,
    );
    expect(diagnostics(dir)).toContainEqual(
      expect.objectContaining({
        code: 'HL441',
        line: 14,
        column: 10,
        message: 'score(next_items) reads a recommendations model, which writes no score',
      }),
    );
  });
});

describe('evaluation cut-off', () => {
  it('is normalized to a UTC instant (no zone means UTC)', () => {
    const job = (cutoff: string) =>
      compileModelSpec('m', { type: 'clusters', features: { f: 'x' }, evaluation: { cutoff } }).evaluation.cutoff;
    expect(job('2011-09-01')).toBe('2011-09-01T00:00:00.000Z');
    expect(job('2011-09-01T12:30')).toBe('2011-09-01T12:30:00.000Z');
    expect(job('2011-09-01T12:30+01:00')).toBe('2011-09-01T11:30:00.000Z');
  });
});

describe('population, reference model, log target, cluster order and recommendation window', () => {
  it('compiles the population rule to SQL and an AST, and fills in the new settings', () => {
    const dir = workspaceWith(
      model(
        `type: regression\npopulation: exists(purchase within 3650d)\nlabel: sum(purchase.amount within next 30d)\nfeatures: { f: count(purchase within 30d), g: sum(purchase.amount within 30d) }\nevaluation: { reference: [f], max_gap_to_reference: 0.1, max_rmse: 10 }\ntraining: { target: log }`,
      ),
    );
    const result = runPipeline(dir, { emit: true });
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const job = (result.emitted!.manifest as { definitions: Record<string, { compiled: ModelJobSpec }> }).definitions['Model/m']!.compiled;
    expect(job.population).toMatchObject({
      name: 'population',
      rule: 'exists(purchase within 3650d)',
      ast: { kind: 'aggregate', fn: 'exists' },
    });
    expect(job.population!.sql!.sqlite.sql).toMatch(/select/i);
    expect(job.population!.sql!.postgres.sql).toMatch(/select/i);
    expect(job.evaluation).toMatchObject({ reference: ['f'], bar: { max_gap_to_reference: 0.1, max_rmse: 10 } });
    expect(job.training.target).toBe('log');
    expect(result.emitted!.files.has('sql/sqlite/models/m/population.sql')).toBe(true);
  });

  it('reads the recommendation window as a duration and orders clusters by a feature', () => {
    const rec = compileModelSpec('r', { type: 'recommendations', evaluation: { window: '2w' } });
    expect(rec.evaluation.windowMs).toBe(14 * 86_400_000);
    expect(parseDuration('48h')).toBe(48 * 3_600_000);
    expect(parseDuration('soon')).toBeUndefined();
    const clusters = compileModelSpec('c', { type: 'clusters', features: { f: 'x' }, clusters: { k: 3, order_by: 'f' } });
    expect(clusters.clusters).toMatchObject({ k: 3, orderBy: 'f' });
    expect(compileModelSpec('p', { type: 'propensity', features: { f: 'x' } }).training.target).toBeUndefined();
  });

  it('reports a population that is not true/false', () => {
    const dir = workspaceWith(
      model(
        `type: propensity\npopulation: count(purchase within 30d)\nlabel: exists(purchase within next 30d)\nfeatures: { f: count(purchase within 30d) }\nevaluation: { min_auc: 0.6 }`,
      ),
    );
    expect(diagnostics(dir)).toContainEqual(
      expect.objectContaining({
        code: 'HL332',
        line: 6,
        column: 15,
        message: 'the population of a model must be a boolean, but this rule is a number',
      }),
    );
  });

  it('reports a reference feature the model does not have, with a suggestion, and a gap bar without a reference', () => {
    const dir = workspaceWith(
      model(
        `type: propensity\nlabel: exists(purchase within next 30d)\nfeatures: { recency: days_since(last(purchase).at) }\nevaluation: { reference: [recncy], min_auc: 0.6 }`,
      ) +
        '---\n' +
        model(
          `type: propensity\nlabel: exists(purchase within next 30d)\nfeatures: { recency: days_since(last(purchase).at) }\nevaluation: { max_gap_to_reference: 0.01 }`,
          'n',
        ),
    );
    const found = diagnostics(dir).filter((d) => d.code === 'HL375');
    expect(found).toContainEqual({
      code: 'HL375',
      line: 8,
      column: 29,
      message: 'reference feature "recncy" is not a feature of this model',
      help: 'did you mean "recency"?',
    });
    expect(found).toContainEqual({
      code: 'HL375',
      line: 17,
      column: 17,
      message: 'max_gap_to_reference needs a reference model to compare with',
      help: 'add e.g. reference: [recency, frequency, monetary]',
    });
  });

  it('reports an order_by that is not a feature, and settings of another model type', () => {
    const dir = workspaceWith(
      model(
        `type: clusters\nfeatures: { spend: sum(purchase.amount within 30d) }\nclusters: { k: 2, order_by: spnd }\nevaluation: { min_silhouette: 0.2 }`,
      ) +
        '---\n' +
        model(
          `type: propensity\nlabel: exists(purchase within next 30d)\nfeatures: { f: count(purchase within 30d) }\nevaluation: { window: 30d, min_auc: 0.6 }\ntraining: { target: log }`,
          'n',
        ),
    );
    const found = diagnostics(dir);
    expect(found).toContainEqual({
      code: 'HL375',
      line: 7,
      column: 31,
      message: 'order_by names "spnd", which is not a feature of this model',
      help: 'did you mean "spend"?',
    });
    expect(found).toContainEqual(
      expect.objectContaining({ code: 'HL378', line: 18, column: 15, message: 'training.target is only used by regression models' }),
    );
    expect(found).toContainEqual(
      expect.objectContaining({
        code: 'HL378',
        line: 17,
        column: 17,
        message: expect.stringMatching(/^evaluation\.window is only used by recommendations models/),
      }),
    );
  });
});
