/**
 * One journey step: its keys checked against its kind, its rules type-checked, its routing turned
 * into graph edges, and its compiled form. The step graph as a whole is checked in graph.ts.
 */
import type { AnalyzeContext, DocPath } from '../context.ts';
import { BOOLEAN, TIMESTAMP, fieldRuleType, sameType, NUMBER, type RuleType } from '../rules/types.ts';
import type { Definition } from '../../1-load/definition.ts';
import type { CompiledJourneyRule, CompiledStep } from '../../contract/journey.ts';
import type { GraphStep } from './graph.ts';
import { checkJourneyRule, literalRule } from './rules.ts';
import { checkEventType, didYouMean, reportAt } from './report.ts';
import { checkSplitWeights, checkVariantTargets, splitPlanning, type WrittenSplit } from './split.ts';
import { parseDuration, parseTimeOfDay } from '../../contract/core/durations.ts';
import { own } from '../../contract/core/own.ts';

/** A step as written (the schema has checked the shapes). */
export interface RawStep {
  description?: string;
  wait?: string | { for?: string; until?: string; at?: string };
  wait_for?: { event?: string; where?: string; rule?: string; timeout: string };
  branch?: Array<{ when: string; next: string }>;
  split?: WrittenSplit;
  send?: string;
  update?: Record<string, string | number | boolean>;
  exit?: true;
  next?: string | Record<string, string>;
  on_event?: string;
  on_timeout?: string;
  else?: string;
  expires_after?: string;
}

export const STEP_KINDS = ['wait', 'wait_for', 'branch', 'split', 'send', 'update', 'exit'] as const;
export type StepKind = (typeof STEP_KINDS)[number];

/** The routing keys each kind uses; any other routing key on a step is a mistake (HL369). */
const ROUTING: Record<StepKind, readonly string[]> = {
  wait: ['next'],
  wait_for: ['on_event', 'on_timeout'],
  branch: ['else'],
  split: ['next'],
  send: ['next', 'expires_after'],
  update: ['next'],
  exit: [],
};
const ROUTING_KEYS = ['next', 'on_event', 'on_timeout', 'else', 'expires_after'] as const;

export interface AnalyzedStep {
  kind: StepKind;
  graph: GraphStep;
  /** Absent when the step has an error of its own (reported). */
  compiled?: CompiledStep;
}

export function kindOf(step: RawStep): StepKind {
  return STEP_KINDS.find((k) => step[k] !== undefined)!;
}

export function analyzeStep(ctx: AnalyzeContext, def: Definition, name: string, step: RawStep): AnalyzedStep {
  const at: DocPath = ['spec', 'steps', name];
  const kind = kindOf(step);
  let ok = true;
  for (const key of ROUTING_KEYS) {
    if (step[key] === undefined || ROUTING[kind].includes(key)) continue;
    ok = false;
    reportAt(
      ctx,
      def,
      'HL369',
      { form: 'has-meaning-step', key, value: kind === 'exit' || kind === 'update' ? 'an' : 'a', kind },
      [...at, key],
      {
        key: true,
        help: ROUTING[kind].length
          ? `${kind === 'update' ? 'an' : 'a'} \`${kind}\` step goes on with ${ROUTING[kind]
              .filter((k) => k !== 'expires_after')
              .map((k) => `\`${k}\``)
              .join(' and ')}`
          : 'an `exit` step ends the journey',
      },
    );
  }
  const edges: GraphStep['edges'] = [];
  const edge = (target: string | undefined, path: DocPath) => {
    if (target !== undefined) edges.push({ target, path });
  };
  const nextName = (): string | undefined => {
    if (typeof step.next === 'string') return step.next;
    if (step.next !== undefined) {
      ok = false;
      reportAt(ctx, def, 'HL369', { form: 'next-step-one', kind }, [...at, 'next'], { help: 'only a `split` maps its variants to steps' });
    }
    return undefined;
  };
  const rule = (path: DocPath, expected: RuleType, place: string, event?: string): CompiledJourneyRule | undefined => {
    const checked = checkJourneyRule(ctx, def, path, event !== undefined ? { expected, place, event } : { expected, place });
    if (checked.rule && !checked.compiled) ok = false;
    return checked.compiled;
  };

  let compiled: CompiledStep | undefined;
  let waits = false;
  switch (kind) {
    case 'wait': {
      const next = nextName();
      edge(next, [...at, 'next']);
      const w = typeof step.wait === 'string' ? { for: step.wait } : step.wait!;
      const forMs = w.for !== undefined ? parseDuration(w.for) : undefined;
      const until = w.until !== undefined ? rule([...at, 'wait', 'until'], TIMESTAMP, `the \`until\` of step \`${name}\``) : undefined;
      const atMinute = w.at !== undefined ? parseTimeOfDay(w.at) : undefined;
      waits = (forMs ?? 0) > 0;
      if (next !== undefined) {
        compiled = { kind: 'wait', next };
        if (forMs !== undefined) compiled.forMs = forMs;
        if (until) compiled.until = until;
        if (atMinute !== undefined) compiled.atMinute = atMinute;
      }
      break;
    }
    case 'wait_for': {
      const w = step.wait_for!;
      edge(step.on_event, [...at, 'on_event']);
      edge(step.on_timeout, [...at, 'on_timeout']);
      const timeoutMs = parseDuration(w.timeout) ?? 0;
      const c: Extract<CompiledStep, { kind: 'wait_for' }> = {
        kind: 'wait_for',
        timeoutMs,
        onEvent: step.on_event ?? '',
        onTimeout: step.on_timeout ?? '',
      };
      if (w.event !== undefined) {
        if (checkEventType(ctx, def, w.event, [...at, 'wait_for', 'event'])) {
          c.event = w.event;
          const where =
            w.where !== undefined ? rule([...at, 'wait_for', 'where'], BOOLEAN, `the \`where\` of step \`${name}\``, w.event) : undefined;
          if (where) c.where = where;
        } else ok = false;
        waits = timeoutMs > 0;
      }
      if (w.rule !== undefined) {
        const r = rule([...at, 'wait_for', 'rule'], BOOLEAN, `the \`rule\` of step \`${name}\``);
        if (r) c.rule = r;
      }
      compiled = c;
      break;
    }
    case 'branch': {
      const cases: Array<{ when: CompiledJourneyRule; next: string }> = [];
      step.branch!.forEach((b, i) => {
        edge(b.next, [...at, 'branch', i, 'next']);
        const when = rule([...at, 'branch', i, 'when'], BOOLEAN, `case ${i + 1} of step \`${name}\``);
        if (when) cases.push({ when, next: b.next });
      });
      edge(step.else, [...at, 'else']);
      compiled = { kind: 'branch', cases, else: step.else ?? '' };
      break;
    }
    case 'split': {
      const s = step.split!;
      const holdout = s.holdout ?? 0;
      if (!checkSplitWeights(ctx, def, s.variants, holdout, [...at, 'split'])) ok = false;
      const targets = typeof step.next === 'object' ? step.next : undefined;
      if (typeof step.next === 'string') {
        ok = false;
        reportAt(ctx, def, 'HL367', { form: 'after-split-next' }, [...at, 'next'], {
          help: `e.g. next: { ${Object.keys(s.variants)
            .map((v) => `${v}: <step>`)
            .join(', ')} }`,
        });
      } else if (targets && !checkVariantTargets(ctx, def, Object.keys(s.variants), targets, [...at, 'next'], 'step')) ok = false;
      for (const [variant, target] of Object.entries(targets ?? {})) edge(target, [...at, 'next', variant]);
      const variants = Object.keys(s.variants)
        .sort()
        .map((v) => ({ name: v, weight: s.variants[v]!, next: targets?.[v] ?? '' }));
      compiled = { kind: 'split', experiment: s.name, variants, holdout };
      const planning = splitPlanning(s);
      if (planning) compiled.planning = planning;
      break;
    }
    case 'send': {
      const next = nextName();
      edge(next, [...at, 'next']);
      if (next !== undefined) {
        compiled = { kind: 'send', template: step.send!, next };
        const expires = step.expires_after !== undefined ? parseDuration(step.expires_after) : undefined;
        if (expires !== undefined) compiled.expiresAfterMs = expires;
      }
      break;
    }
    case 'update': {
      const next = nextName();
      edge(next, [...at, 'next']);
      const set = updates(ctx, def, name, step.update!);
      if (!set) ok = false;
      if (next !== undefined && set) compiled = { kind: 'update', set, next };
      break;
    }
    case 'exit':
      compiled = { kind: 'exit' };
      break;
  }
  const result: AnalyzedStep = { kind, graph: { name, edges, waits } };
  if (ok && compiled) result.compiled = compiled;
  return result;
}

/** The fields an `update` sets, checked against the data model (HL368). */
function updates(ctx: AnalyzeContext, def: Definition, step: string, values: Record<string, string | number | boolean>) {
  const fields = ctx.dataModel.customers.fields;
  const set: Array<{ field: string; value: CompiledJourneyRule }> = [];
  let ok = true;
  for (const [field, value] of Object.entries(values)) {
    const path: DocPath = ['spec', 'steps', step, 'update', field];
    const declared = own(fields, field);
    if (field === 'id' || !declared) {
      ok = false;
      reportAt(ctx, def, 'HL368', field === 'id' ? { form: 'id' } : { form: 'unknown-field', field }, path, {
        key: true,
        help:
          field === 'id'
            ? undefined
            : (didYouMean(field, Object.keys(fields)) ?? 'declare the field under `customers.fields` in herald.yaml'),
      });
      continue;
    }
    const type = fieldRuleType(declared.type);
    if (typeof value === 'string') {
      const checked = checkJourneyRule(ctx, def, path, { expected: type, place: `the new value of \`${field}\`` });
      if (checked.compiled) set.push({ field, value: checked.compiled });
      else ok = false;
      continue;
    }
    const literal: RuleType = typeof value === 'number' ? NUMBER : BOOLEAN;
    if (!sameType(literal, type)) {
      ok = false;
      reportAt(
        ctx,
        def,
        'HL368',
        { form: 'wrong-type', field, type: declared.type, value: typeof value === 'number' ? 'a number' : 'true/false' },
        path,
        {
          help: type.kind === 'string' ? `write text as a quoted rule: ${field}: '"${String(value)}"'` : undefined,
        },
      );
      continue;
    }
    set.push({ field, value: literalRule(value) });
  }
  return ok ? set.sort((a, b) => (a.field < b.field ? -1 : 1)) : undefined;
}
