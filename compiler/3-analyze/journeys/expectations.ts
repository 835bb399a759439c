/** A Test's `expect` entries: times parsed, and checked against what the target can ever send (HL432). */
import type { AnalyzeContext, DocPath } from '../context.ts';
import type { Definition } from '../../1-load/definition.ts';
import type { CompiledCampaign, CompiledExpectation, CompiledJourney } from '../../contract/journey.ts';
import { didYouMean, reportAt } from './report.ts';
import { offsetInstant } from '../../contract/core/instants.ts';
import type { CodeWithMessage, MessageParams } from '../../diagnostics/catalogue/index.ts';

export interface RawExpectation {
  at?: string;
  after?: string;
  count?: number;
  sent?: RawMatch;
  not_sent?: RawMatch;
  suppressed?: RawMatch;
}

interface RawMatch {
  customer?: string | number;
  template?: string;
  template_in?: string[];
  variant?: string;
  step?: string;
  sent_at?: string;
  reason?: string;
}

/** What a journey or campaign can send: the vocabulary expectations are checked against. */
export interface SendVocabulary {
  templates: Set<string>;
  variants: Set<string>;
  /** Send steps (journeys only). */
  steps?: Set<string>;
}

export function vocabularyOf(target: CompiledJourney | CompiledCampaign): SendVocabulary {
  if ('steps' in target) {
    const vocabulary: SendVocabulary = { templates: new Set(), variants: new Set(), steps: new Set() };
    for (const [name, step] of Object.entries(target.steps)) {
      if (step.kind === 'send') {
        vocabulary.templates.add(step.template);
        vocabulary.steps!.add(name);
      }
      if (step.kind === 'split') {
        for (const v of step.variants) vocabulary.variants.add(v.name);
        if (step.holdout > 0) vocabulary.variants.add('holdout');
      }
    }
    return vocabulary;
  }
  const vocabulary: SendVocabulary = { templates: new Set(target.variants.map((v) => v.template)), variants: new Set() };
  if (target.experiment !== undefined) for (const v of target.variants) vocabulary.variants.add(v.name);
  if (target.holdout > 0) vocabulary.variants.add('holdout');
  return vocabulary;
}

export function analyzeExpectations(
  ctx: AnalyzeContext,
  def: Definition,
  expect: RawExpectation[],
  customers: ReadonlySet<string>,
  vocabulary: SendVocabulary | undefined,
): CompiledExpectation[] | undefined {
  let ok = true;
  const fail = <C extends CodeWithMessage>(code: C, params: MessageParams<C>, path: DocPath, help?: string) => {
    ok = false;
    reportAt(ctx, def, code, params, path, help !== undefined ? { help } : {});
  };
  const out: CompiledExpectation[] = [];
  expect.forEach((raw, index) => {
    const at: DocPath = ['spec', 'expect', index];
    const kind = (['sent', 'not_sent', 'suppressed'] as const).find((k) => raw[k] !== undefined)!;
    const m = raw[kind]!;
    const e: CompiledExpectation = { index, kind, match: {} };
    for (const key of ['at', 'after'] as const) {
      if (raw[key] === undefined) continue;
      const t = offsetInstant(raw[key]!);
      if (t === undefined) fail('HL430', { form: 'not-real-instant', raw: raw[key] }, [...at, key]);
      else e[key] = t;
    }
    if (raw.count !== undefined) e.count = raw.count;
    const mp: DocPath = [...at, kind];
    if (m.customer !== undefined) {
      const id = String(m.customer);
      if (!customers.has(id)) fail('HL431', { form: 'not-given', id }, [...mp, 'customer'], didYouMean(id, customers));
      e.match.customer = id;
    }
    if (m.sent_at !== undefined) {
      const t = offsetInstant(m.sent_at);
      if (t === undefined) fail('HL430', { form: 'not-real-instant', raw: m.sent_at }, [...mp, 'sent_at']);
      else e.match.sentAt = t;
    }
    if (m.reason !== undefined) {
      if (kind !== 'suppressed') fail('HL432', { form: 'reason-only-checked' }, [...mp, 'reason'], 'move it to a `suppressed` expectation');
      e.match.reason = m.reason;
    }
    if (m.template !== undefined) e.match.template = m.template;
    if (m.template_in !== undefined) e.match.templateIn = [...m.template_in];
    if (m.variant !== undefined) e.match.variant = m.variant;
    if (m.step !== undefined) e.match.step = m.step;
    if (vocabulary && kind !== 'not_sent') {
      const templates = [
        ...(m.template !== undefined ? [[m.template, [...mp, 'template']] as const] : []),
        ...(m.template_in ?? []).map((t, i) => [t, [...mp, 'template_in', i]] as const),
      ];
      for (const [template, path] of templates) {
        if (!vocabulary.templates.has(template) && ctx.lookup('Template', template)) {
          fail(
            'HL432',
            { form: 'template-never-sent', template, target: def.spec.journey !== undefined ? 'journey' : 'campaign' },
            path,
            listing('it sends', vocabulary.templates),
          );
        }
      }
      if (m.variant !== undefined && !vocabulary.variants.has(m.variant)) {
        const target = def.spec.journey !== undefined ? 'journey' : 'campaign';
        fail(
          'HL432',
          { form: 'variant-the-under', variant: m.variant, target },
          [...mp, 'variant'],
          vocabulary.variants.size === 0
            ? `the ${target} under test has no split`
            : (didYouMean(m.variant, vocabulary.variants) ?? listing('the variants are', vocabulary.variants)),
        );
      }
      if (m.step !== undefined && !vocabulary.steps?.has(m.step)) {
        fail(
          'HL432',
          vocabulary.steps ? { form: 'not-a-send-step', step: m.step } : { form: 'campaign-steps' },
          [...mp, 'step'],
          vocabulary.steps ? (didYouMean(m.step, vocabulary.steps) ?? listing('its send steps are', vocabulary.steps)) : undefined,
        );
      }
    }
    out.push(e);
  });
  return ok ? out : undefined;
}

function listing(lead: string, names: ReadonlySet<string>): string {
  return `${lead} ${[...names].sort().join(', ') || 'nothing'}`;
}
