import type { Expr } from '../../contract/core/ast.ts';
import { suggest } from '../../diagnostics/suggest.ts';
import { findRuleSites, ruleRange } from '../../1-load/rules.ts';
import { ALGORITHMS_BY_TYPE, labelHorizonMs, type RawModelSpec } from '../../models/compile-spec.ts';
import type { ModelType } from '../../contract/model-job.ts';
import type { AnalyzeContext, DocPath, KindAnalyzer } from '../context.ts';
import type { Definition } from '../../1-load/definition.ts';
import { checkRule, expectRuleType } from '../rules/check.ts';
import { ruleEnvironment } from '../rules/environment.ts';
import { BOOLEAN, NUMBER } from '../rules/types.ts';
import { own } from '../../contract/core/own.ts';
import { diagnostic } from '../../diagnostics/make.ts';
import type { CodeWithMessage, MessageParams } from '../../diagnostics/catalogue/index.ts';

/** What the Model emitter needs: the type-checked rules' ASTs by feature name, and the label's. */
export interface ModelFacts {
  features: Record<string, Expr>;
  label?: Expr;
  population?: Expr;
  /** Traits the rules read (features then see the traits as of the cut-off). */
  traits: string[];
  /** The rules' value types, by feature name (`label` for the label). */
  types: Record<string, 'number' | 'boolean' | 'timestamp' | 'string'>;
}

/** Which bars each type checks. */
const BARS: Record<ModelType, readonly string[]> = {
  propensity: ['min_auc', 'max_log_loss', 'max_brier', 'min_lift_over_baseline', 'max_gap_to_reference'],
  regression: ['max_rmse', 'max_mae', 'min_r2', 'min_lift_over_baseline', 'max_gap_to_reference'],
  clusters: ['min_silhouette'],
  recommendations: ['min_precision_at_k', 'min_recall_at_k', 'min_ndcg_at_k', 'min_lift_over_baseline', 'max_gap_to_reference'],
};

const RECOMMENDATION_ONLY = ['interactions', 'item_features', 'item_property', 'k', 'exclude_seen', 'hybrid'] as const;

/**
 * Checks a Model: its rules (features over a customer, the label over the window after the
 * cut-off), that algorithm, bars and settings fit its type, that tiers add up to 1, and that
 * recommendation inputs name declared events and item fields.
 */
export const analyzeModel: KindAnalyzer = (def, ctx) => {
  const spec = def.spec as unknown as RawModelSpec;
  const file = def.doc.file.path;
  const at = (path: DocPath, key = false) => ctx.rangeOf(def, ['spec', ...path], { key });
  const report = <C extends CodeWithMessage>(code: C, params: MessageParams<C>, path: DocPath, help?: string, key = false) => {
    const range = at(path, key);
    ctx.report(diagnostic(code, params, { file, ...(range ? { range } : {}), ...(help ? { help } : {}) }));
  };
  const type = spec.type;
  const facts: ModelFacts = { features: {}, traits: [], types: {} };

  if (spec.algorithm !== undefined && type !== 'clusters' && !ALGORITHMS_BY_TYPE[type].includes(spec.algorithm)) {
    const allowed = ALGORITHMS_BY_TYPE[type];
    const hint = suggest(spec.algorithm, allowed);
    report(
      'HL370',
      { algorithm: spec.algorithm, type },
      ['algorithm'],
      hint ? `did you mean "${hint}"?` : `use one of ${allowed.join(', ')}`,
    );
  }
  if (spec.algorithm !== undefined && type === 'clusters') {
    report('HL378', { form: 'clusters-always-use' }, ['algorithm'], 'remove it', true);
  }

  checkRules(def, ctx, type, facts);
  const needsLabel = type === 'propensity' || type === 'regression';
  if (needsLabel && spec.label === undefined) {
    report(
      'HL372',
      { type },
      ['type'],
      type === 'propensity' ? 'e.g. label: exists(purchase within next 90d)' : 'e.g. label: sum(purchase.amount within next 90d)',
    );
  }
  if (needsLabel && spec.label !== undefined && labelHorizonMs(spec.label) === 0) {
    report('HL374', {}, ['label'], 'e.g. exists(purchase within next 90d)');
  }
  if (type !== 'recommendations' && Object.keys(spec.features ?? {}).length === 0) {
    report('HL373', { type }, ['type'], 'e.g. features: { recency: days_since(last(purchase).at) }');
  }
  if (spec.tiers) {
    const sum = Object.values(spec.tiers).reduce((s, v) => s + v, 0);
    if (Math.abs(sum - 1) > 1e-6)
      report('HL371', { sum: Number(sum.toFixed(6)) }, ['tiers'], 'make the fractions sum to 1, e.g. {high: 0.2, medium: 0.3, low: 0.5}');
  }
  checkClusters(spec, type, report);
  checkRecommendations(spec, type, ctx, report);
  checkEvaluation(spec, type, report);
  for (const key of Object.keys(spec.evaluation ?? {})) {
    if (key.startsWith('min_') || key.startsWith('max_')) {
      if (!BARS[type].includes(key))
        report('HL378', { form: 'not-checked-for', key, type }, ['evaluation', key], `bars for ${type}: ${BARS[type].join(', ')}`, true);
    }
  }
  if (type !== 'recommendations' && !Object.keys(spec.evaluation ?? {}).some((k) => BARS[type].includes(k))) {
    report('HL440', { name: def.name }, ['type'], `add one, e.g. evaluation: { ${BARS[type][0]}: ... }`);
  }
  if (type === 'recommendations' && !Object.keys(spec.evaluation ?? {}).some((k) => BARS[type].includes(k))) {
    report('HL440', { name: def.name }, ['type'], 'add one, e.g. evaluation: { min_lift_over_baseline: 1.5 }');
  }
  facts.traits.sort();
  return facts;
};

function checkRules(def: Definition, ctx: AnalyzeContext, type: ModelType, facts: ModelFacts): void {
  const env = ruleEnvironment(ctx, def);
  for (const site of findRuleSites(def.doc)) {
    const checked = checkRule(site, site.scope, env);
    if (!checked) continue;
    const [, field, name] = site.path;
    for (const use of checked.uses) if (use.kind === 'Trait' && !facts.traits.includes(use.name)) facts.traits.push(use.name);
    const valueType = checked.type.kind;
    const stored = valueType === 'boolean' || valueType === 'timestamp' || valueType === 'string' ? valueType : 'number';
    if (field === 'population') {
      expectRuleType(checked, BOOLEAN, env, 'the population of a model');
      facts.population = checked.ast;
    } else if (field === 'label') {
      if (type === 'propensity' || type === 'regression') {
        expectRuleType(checked, type === 'propensity' ? BOOLEAN : NUMBER, env, `the label of a ${type} model`);
      }
      facts.label = checked.ast;
      facts.types.label = stored;
    } else if (field === 'features' && typeof name === 'string') {
      const kind = checked.type.kind;
      if (kind === 'string' || kind === 'list' || kind === 'duration') {
        ctx.report(
          diagnostic(
            'HL379',
            { name, value: kind === 'list' ? 'a list' : `a ${kind}` },
            {
              file: def.doc.file.path,
              range: ruleRange(site, checked.ast.span),
              help: kind === 'string' ? 'compare it instead, e.g. country = "United Kingdom"' : 'turn it into a number',
            },
          ),
        );
      }
      facts.features[name] = checked.ast;
      facts.types[name] = stored;
    }
  }
}

type Report = <C extends CodeWithMessage>(code: C, params: MessageParams<C>, path: DocPath, help?: string, key?: boolean) => void;

function checkClusters(spec: RawModelSpec, type: ModelType, report: Report): void {
  const c = spec.clusters;
  if (!c) return;
  if (type !== 'clusters') {
    report('HL378', { form: 'clusters-settings-are', type }, ['clusters'], 'remove them', true);
    return;
  }
  if (c.k !== undefined && c.k_range !== undefined)
    report('HL375', { form: 'give-either-range' }, ['clusters', 'k_range'], undefined, true);
  if (c.k_range && c.k_range[0]! > c.k_range[1]!)
    report(
      'HL375',
      { form: 'range-runs-backwards', k_range: c.k_range.join(', ') },
      ['clusters', 'k_range'],
      `write [${c.k_range[1]}, ${c.k_range[0]}]`,
    );
  if (c.order_by !== undefined && !Object.keys(spec.features ?? {}).includes(c.order_by)) {
    const hint = suggest(c.order_by, Object.keys(spec.features ?? {}));
    report(
      'HL375',
      { form: 'order-names-which', order_by: c.order_by },
      ['clusters', 'order_by'],
      hint ? `did you mean "${hint}"?` : 'name one of the features',
    );
  }
  const maxK = c.k ?? c.k_range?.[1] ?? 8;
  if (c.names && c.names.length < maxK) {
    report(
      'HL375',
      { form: 'cluster-names-for', length: c.names.length, maxK },
      ['clusters', 'names'],
      `give ${maxK} names, largest cluster first`,
    );
  }
}

/** The reference model's features must be the model's own; its bar needs it; a window is for recommendations. */
function checkEvaluation(spec: RawModelSpec, type: ModelType, report: Report): void {
  const e = spec.evaluation ?? {};
  const features = Object.keys(spec.features ?? {});
  if (e.reference !== undefined) {
    if (type !== 'propensity' && type !== 'regression') {
      report('HL378', { form: 'reference-model-only' }, ['evaluation', 'reference'], 'remove it', true);
    } else {
      e.reference.forEach((name, i) => {
        if (features.includes(name)) return;
        const hint = suggest(name, features);
        report(
          'HL375',
          { form: 'reference-feature-not', name },
          ['evaluation', 'reference', i],
          hint ? `did you mean "${hint}"?` : `features: ${features.join(', ') || 'none'}`,
        );
      });
    }
  }
  if (e.max_gap_to_reference !== undefined && e.reference === undefined && (type === 'propensity' || type === 'regression')) {
    report(
      'HL375',
      { form: 'max-gap-reference' },
      ['evaluation', 'max_gap_to_reference'],
      'add e.g. reference: [recency, frequency, monetary]',
      true,
    );
  }
  if (spec.training?.target !== undefined && type !== 'regression') {
    report('HL378', { form: 'training-target-only' }, ['training', 'target'], 'remove it', true);
  }
  if (e.window !== undefined && type !== 'recommendations') {
    report('HL378', { form: 'evaluation-window-only', type }, ['evaluation', 'window'], 'remove it', true);
  }
}

function checkRecommendations(spec: RawModelSpec, type: ModelType, ctx: AnalyzeContext, report: Report): void {
  if (type !== 'recommendations') {
    for (const key of RECOMMENDATION_ONLY) {
      if (spec[key] !== undefined) report('HL378', { form: 'only-used-recommendations', key }, [key], 'remove it', true);
    }
    return;
  }
  const model = ctx.dataModel;
  const itemProperty = spec.item_property ?? 'item_id';
  const events = Object.keys(model.events);
  for (const event of Object.keys(spec.interactions ?? { purchase: 1 })) {
    const props = own(model.events, event);
    if (!props) {
      const hint = suggest(event, events);
      report(
        'HL377',
        { form: 'not-event-the', event },
        ['interactions', event],
        hint ? `did you mean "${hint}"?` : `known events: ${events.join(', ') || 'none'}`,
        true,
      );
    } else if (!(itemProperty in props)) {
      report(
        'HL377',
        { form: 'event-has-property', event, itemProperty },
        spec.interactions ? ['interactions', event] : ['type'],
        'set item_property to the property that holds the item id',
        true,
      );
    }
  }
  // The default blend leaves content out when there are no item_features; asking for it needs them.
  const usesContent = spec.algorithm === 'content' || ((spec.algorithm ?? 'hybrid') === 'hybrid' && (spec.hybrid?.content ?? 0) > 0);
  if (usesContent && !spec.item_features?.length) {
    report(
      'HL376',
      { form: 'content-based-recommendations' },
      spec.algorithm ? ['algorithm'] : ['type'],
      'e.g. item_features: [category, price]',
    );
  }
  const itemFields = Object.keys(model.items.fields);
  (spec.item_features ?? []).forEach((field, i) => {
    if (field === 'id' || itemFields.includes(field)) return;
    const hint = suggest(field, itemFields);
    report(
      'HL376',
      { form: 'not-item-field', field },
      ['item_features', i],
      hint ? `did you mean "${hint}"?` : `item fields: ${itemFields.join(', ') || 'none'}`,
    );
  });
  if (spec.hybrid && spec.algorithm !== undefined && spec.algorithm !== 'hybrid') {
    report('HL378', { form: 'hybrid-weights-are', algorithm: spec.algorithm }, ['hybrid'], 'set algorithm: hybrid, or remove them', true);
  }
}
