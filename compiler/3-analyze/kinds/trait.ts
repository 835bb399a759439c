import { diagnostic, type DiagnosticDetails } from '../../diagnostics/make.ts';
import { suggest } from '../../diagnostics/suggest.ts';
import { BUILTIN_CUSTOMER_FIELDS } from '../../contract/data-model.ts';
import type { DurationLiteral } from '../../contract/core/ast.ts';
import { parseRule } from '../../dsl/parse.ts';
import type { Definition } from '../../1-load/definition.ts';
import type { AnalyzeContext, DocPath, KindAnalyzer } from '../context.ts';
import { checkRule, expectRuleType } from '../rules/check.ts';
import { ruleEnvironment, type RuleEnvironment } from '../rules/environment.ts';
import { ruleSiteAt } from '../rules/sites.ts';
import { traitOutputs } from '../rules/trait-outputs.ts';
import type { CheckedRule, LifecycleTraitFacts, RfmTraitFacts, TraitFacts } from '../rules/facts.ts';
import { fieldRuleType, type RuleType } from '../rules/types.ts';
import { own } from '../../contract/core/own.ts';
import type { CodeWithMessage, MessageParams } from '../../diagnostics/catalogue/index.ts';

interface TraitSpec {
  type?: string;
  expression?: string;
  rfm?: { event: string; amount: string; window?: string; quintiles?: Record<'recency' | 'frequency' | 'monetary', number[] | undefined> };
  lifecycle?: { stages: Array<{ name: string; when: string }>; else: string };
}

/** Type-checks a trait's rules and returns its TraitFacts (compiler/3-analyze/rules/facts.ts). */
export const analyzeTrait: KindAnalyzer = (def, ctx): TraitFacts | undefined => {
  const spec = def.spec as TraitSpec;
  const env = ruleEnvironment(ctx, def);
  if (Object.prototype.hasOwnProperty.call({ ...BUILTIN_CUSTOMER_FIELDS, ...ctx.dataModel.customers.fields }, def.name)) {
    report(ctx, def, 'HL340', { name: def.name }, ['metadata', 'name'], 'rename the trait');
  }
  const outputs = traitOutputs(def);
  if (spec.expression !== undefined) {
    const rule = checked(def, ['spec', 'expression'], env);
    if (rule?.ok) expectRuleType(rule, outputs[0]!.type, env, `the expression of trait \`${def.name}\` (declared \`type: ${spec.type}\`)`);
    const facts: TraitFacts = { kind: 'expression', name: def.name, outputs };
    if (rule) facts.rule = rule;
    return facts;
  }
  if (spec.rfm !== undefined) return rfm(def, ctx, spec.rfm, outputs);
  if (spec.lifecycle !== undefined) return lifecycle(def, ctx, env, spec.lifecycle, outputs);
  return undefined;
};

function checked(def: Definition, path: DocPath, env: RuleEnvironment): CheckedRule | undefined {
  const site = ruleSiteAt(def, path);
  return site ? checkRule(site, site.scope, env) : undefined;
}

function report<C extends CodeWithMessage>(
  ctx: AnalyzeContext,
  def: Definition,
  code: C,
  params: MessageParams<C>,
  path: DocPath,
  help?: string,
): void {
  const details: DiagnosticDetails = { file: def.doc.file.path };
  const range = ctx.rangeOf(def, path);
  if (range) details.range = range;
  if (help !== undefined) details.help = help;
  ctx.report(diagnostic(code, params, details));
}

const DEFAULT_WINDOW: DurationLiteral = { kind: 'duration', amount: 365, unit: 'd', span: { start: 0, end: 4 } };

function rfm(
  def: Definition,
  ctx: AnalyzeContext,
  config: NonNullable<TraitSpec['rfm']>,
  outputs: RfmTraitFacts['outputs'],
): RfmTraitFacts {
  const events = ctx.dataModel.events;
  const properties = own(events, config.event);
  if (properties === undefined) {
    const close = suggestName(config.event, Object.keys(events));
    report(ctx, def, 'HL342', { form: 'unknown-event-type', event: config.event }, ['spec', 'rfm', 'event'], close);
  } else {
    const amount = own(properties, config.amount);
    const amountType: RuleType | undefined = amount ? fieldRuleType(amount.type) : undefined;
    if (amountType === undefined) {
      report(
        ctx,
        def,
        'HL342',
        { form: 'events-have-property', event: config.event, amount: config.amount },
        ['spec', 'rfm', 'amount'],
        suggestName(config.amount, Object.keys(properties)),
      );
    } else if (amountType.kind !== 'number') {
      report(ctx, def, 'HL342', { form: 'the-rfm-amount', event: config.event, amount: config.amount, kind: amountType.kind }, [
        'spec',
        'rfm',
        'amount',
      ]);
    }
  }
  let window = DEFAULT_WINDOW;
  if (config.window !== undefined) {
    const parsed = parseRule(config.window);
    if (parsed.ok && parsed.ast.kind === 'duration') window = parsed.ast;
  }
  const cutPoints: RfmTraitFacts['cutPoints'] = {};
  for (const dimension of ['recency', 'frequency', 'monetary'] as const) {
    const points = config.quintiles?.[dimension];
    if (points === undefined) continue;
    if (points.some((p, i) => i > 0 && p <= points[i - 1]!)) {
      report(ctx, def, 'HL343', { dimension, points: points.join(', ') }, ['spec', 'rfm', 'quintiles', dimension]);
    }
    cutPoints[dimension] = [...points];
  }
  return { kind: 'rfm', name: def.name, outputs, event: config.event, amount: config.amount, window, cutPoints };
}

function suggestName(name: string, candidates: string[]): string | undefined {
  const lower = name.toLowerCase();
  const close = candidates.find((c) => c.toLowerCase() === lower) ?? suggest(name, candidates);
  return close === undefined ? undefined : `did you mean \`${close}\`?`;
}

function lifecycle(
  def: Definition,
  ctx: AnalyzeContext,
  env: RuleEnvironment,
  config: NonNullable<TraitSpec['lifecycle']>,
  outputs: LifecycleTraitFacts['outputs'],
): LifecycleTraitFacts {
  const seen = new Set<string>();
  const stages: LifecycleTraitFacts['stages'] = [];
  config.stages.forEach((stage, i) => {
    if (seen.has(stage.name)) {
      report(ctx, def, 'HL341', { form: 'lifecycle-stage-defined', name: stage.name }, ['spec', 'lifecycle', 'stages', i, 'name']);
    }
    seen.add(stage.name);
    const when = checked(def, ['spec', 'lifecycle', 'stages', i, 'when'], env);
    if (when?.ok) expectRuleType(when, { kind: 'boolean' }, env, `the \`when\` of stage \`${stage.name}\``);
    stages.push(when ? { name: stage.name, when } : { name: stage.name });
  });
  if (seen.has(config.else)) {
    report(ctx, def, 'HL341', { form: 'else-repeats-stage', else: config.else }, ['spec', 'lifecycle', 'else']);
  }
  return { kind: 'lifecycle', name: def.name, outputs, stages, else: config.else };
}
