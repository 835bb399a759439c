/**
 * Journey, campaign and entry rules: type-checked in their scope (phase 3's checker), and turned
 * into the compiled form the runtime evaluates, with what each rule reads so a run loads only that.
 */
import { UNSUBSCRIBE_EVENT } from '../../contract/subscriptions.ts';
import type { AnalyzeContext, DocPath } from '../context.ts';
import { checkRule, expectRuleType } from '../rules/check.ts';
import { ruleEnvironment } from '../rules/environment.ts';
import { ruleSiteAt } from '../rules/sites.ts';
import type { CheckedRule } from '../rules/facts.ts';
import type { RuleType } from '../rules/types.ts';
import { stripSpans } from '../../dsl/strip-spans.ts';
import type { Expr } from '../../contract/core/ast.ts';
import type { Definition } from '../../1-load/definition.ts';
import type { CompiledJourneyRule } from '../../contract/journey.ts';
import { durationMs } from '../../contract/core/rule-paths.ts';

export interface RuleCheck {
  /** The checked rule: absent when the field holds no rule string or it did not parse. */
  rule?: CheckedRule;
  /** The compiled form; absent when the rule has errors (already reported). */
  compiled?: CompiledJourneyRule;
}

/**
 * Checks the rule at `path` (its scope comes from the schema's `x-herald-rule`). `expected`, when
 * given, is the type the place needs (`where` must be boolean); `event` is the event type an
 * event-scope rule reads. `place` names the place in a type error.
 */
export function checkJourneyRule(
  ctx: AnalyzeContext,
  def: Definition,
  path: DocPath,
  options: { expected?: RuleType; event?: string; place: string },
): RuleCheck {
  const site = ruleSiteAt(def, path);
  if (!site) return {};
  const env = ruleEnvironment(ctx, def, options.event !== undefined ? { event: options.event } : {});
  const rule = checkRule(site, site.scope, env);
  if (!rule) return {};
  if (!rule.ok) return { rule };
  if (options.expected && !expectRuleType(rule, options.expected, env, options.place)) return { rule };
  return { rule, compiled: compileRule(rule) };
}

/** The compiled form of a checked rule. */
export function compileRule(rule: CheckedRule): CompiledJourneyRule {
  const segments = rule.uses.some((u) => u.kind === 'Segment');
  const windows = windowsRead(rule.ast);
  // subscribed() reads unsubscribe events of any age (compiler/contract/subscriptions.ts).
  const subscriptions = [...nodesOf(rule.ast)].some((n) => n.kind === 'call' && n.name === 'subscribed');
  const events = eventsRead(rule.ast);
  if (subscriptions && !events.includes(UNSUBSCRIBE_EVENT)) {
    events.push(UNSUBSCRIBE_EVENT);
    events.sort();
  }
  return {
    ast: stripSpans(rule.ast) as Expr,
    events,
    // A segment's own rule may read any event, any distance back.
    lookbackMs: segments || subscriptions ? null : windows.lookbackMs,
    sinceEntry: windows.sinceEntry,
    traits: rule.uses.some((u) => u.kind === 'Trait'),
    segments,
    models: rule.uses.some((u) => u.kind === 'Model'),
    ...(subscriptions ? { subscriptions } : {}),
  };
}

/** A rule that is a constant (an `update` value written as a YAML number or boolean). */
export function literalRule(value: number | boolean): CompiledJourneyRule {
  const span = { start: 0, end: 0 };
  const ast: Expr = typeof value === 'number' ? { kind: 'number', value, span } : { kind: 'boolean', value, span };
  return { ast: stripSpans(ast) as Expr, events: [], lookbackMs: 0, sinceEntry: false, traits: false, segments: false, models: false };
}

/** The longest past window of the rule's aggregates (null: one has none), and whether one is `since_entry`. */
export function windowsRead(expr: Expr): { lookbackMs: number | null; sinceEntry: boolean } {
  let lookbackMs: number | null = 0;
  let sinceEntry = false;
  for (const node of nodesOf(expr)) {
    if (node.kind !== 'aggregate') continue;
    const w = node.window;
    if (w?.kind === 'since_entry') sinceEntry = true;
    else if (w?.kind === 'past')
      lookbackMs = lookbackMs === null ? null : Math.max(lookbackMs, durationMs(w.duration.amount, w.duration.unit));
    else if (w?.kind !== 'next') lookbackMs = null;
  }
  return { lookbackMs, sinceEntry };
}

function* nodesOf(expr: Expr): Generator<Extract<Expr, { kind: 'aggregate' }> | Expr> {
  const stack: unknown[] = [expr];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      stack.push(...node);
      continue;
    }
    if (typeof node !== 'object' || node === null) continue;
    if (typeof (node as { kind?: unknown }).kind === 'string') yield node as Expr;
    for (const value of Object.values(node)) if (typeof value === 'object' && value !== null) stack.push(value);
  }
}

/** Event types the rule's aggregates read, sorted. */
export function eventsRead(expr: Expr): string[] {
  const found = new Set<string>();
  for (const node of nodesOf(expr)) if (node.kind === 'aggregate') found.add(node.event);
  return [...found].sort();
}
