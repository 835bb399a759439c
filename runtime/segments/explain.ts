import type { Expr } from '../../compiler/contract/core/ast.ts';
import { childExprs } from '../../compiler/contract/core/children.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import { resolvePath, type RuleSchema } from '../../compiler/contract/core/rule-paths.ts';
import type { EvalContext } from '../eval/context.ts';
import { evaluate, evaluateValue } from '../eval/rule.ts';
import { createSegmentSet } from '../eval/segments.ts';
import type { Database } from '../db/database.ts';
import { segmentsOf, traitsOf } from '../manifest.ts';
import { loadCustomer, ruleSchemaOf, storedMembership } from './customer-context.ts';
import { personalFields } from '../../compiler/contract/personal-data.ts';

/** A value shown in an explanation: masked when it is personal data and not asked for. */
export type ShownValue = { masked: true } | { masked?: false; value: unknown; timestamp?: boolean };

/** One operand of a clause and its value for the customer (e.g. `days_since(last(purchase).at)` = 12.5). */
export interface ExplainedOperand {
  expr: Expr;
  shown: ShownValue;
}

/**
 * A clause of a rule and whether it holds for the customer. `and`/`or` chains are flattened into
 * one node with every operand as a child; other clauses are leaves with their operands' values.
 */
export interface ExplainedClause {
  expr: Expr;
  holds: boolean;
  connective?: 'and' | 'or' | 'not';
  children?: ExplainedClause[];
  operands?: ExplainedOperand[];
}

export interface SegmentExplanation {
  segment: string;
  /** Whether the rule holds as of the instant (the evaluator's verdict). */
  member: boolean;
  /** The stored membership covering the instant, if any (may differ when data changed since the last run). */
  stored?: { enteredAt: number };
  rule: ExplainedClause;
}

export interface CustomerExplanation {
  customerId: string;
  asOf: number;
  segments: SegmentExplanation[];
}

export interface ExplainOptions {
  asOf: number;
  /** Show personal data (fields marked pii) instead of masking it. */
  showPii?: boolean;
  /** Only these segments (default all). */
  segments?: readonly string[];
}

/**
 * Why a customer is in or out of each segment: loads the customer's row, traits and events from
 * the database, evaluates every segment's rule with the JavaScript evaluator as of the instant,
 * clause by clause, and sets it beside the stored membership.
 */
export async function explainCustomer(
  db: Database,
  manifest: Manifest,
  customerId: string,
  options: ExplainOptions,
): Promise<CustomerExplanation> {
  const { context } = await loadCustomer(db, manifest, customerId, options.asOf);
  const schema = ruleSchemaOf(manifest);
  const all = segmentsOf(manifest);
  const set = createSegmentSet(Object.fromEntries(all.map((s) => [s.name, s.compiled.ast])), schema);
  context.inSegment = set.isMember;
  const wanted = options.segments ? all.filter((s) => options.segments!.includes(s.name)) : all;
  const pii = piiFields(manifest);
  const segments: SegmentExplanation[] = [];
  for (const s of wanted) {
    const stored = await storedMembership(db.kysely, s.name, customerId, options.asOf);
    const explanation: SegmentExplanation = {
      segment: s.name,
      member: set.isMember(s.name, context),
      rule: explainClause(s.compiled.ast, context, schema, { pii, showPii: options.showPii === true }),
    };
    if (stored) explanation.stored = stored;
    segments.push(explanation);
  }
  return { customerId, asOf: options.asOf, segments };
}

interface Masking {
  pii: ReadonlySet<string>;
  showPii: boolean;
}

/**
 * The names whose values are personal data: customer fields marked pii, and traits computed from
 * them (a trait `domain: lower(email)` shows as much as the email). Traits come in dependency
 * order, so a trait built on such a trait is caught too.
 */
export function piiFields(manifest: Manifest): Set<string> {
  const pii = personalFields(manifest.dataModel);
  for (const trait of traitsOf(manifest)) {
    const plan = trait.compiled.plan;
    const rules = plan.kind === 'expression' ? [plan.expression] : plan.kind === 'lifecycle' ? plan.stages.map((s) => s.when) : [];
    if (rules.some((r) => readsPii(r, pii))) pii.add(trait.name);
  }
  return pii;
}

/** Explains one clause (exported for tests of the clause structure). */
export function explainClause(expr: Expr, ctx: EvalContext, schema: RuleSchema, masking: Masking): ExplainedClause {
  if (expr.kind === 'binary' && (expr.op === 'and' || expr.op === 'or')) {
    const parts = flatten(expr, expr.op).map((p) => explainClause(p, ctx, schema, masking));
    return { expr, holds: evaluate(expr, ctx, schema), connective: expr.op, children: parts };
  }
  if (expr.kind === 'unary' && expr.op === 'not') {
    return { expr, holds: evaluate(expr, ctx, schema), connective: 'not', children: [explainClause(expr.operand, ctx, schema, masking)] };
  }
  return { expr, holds: evaluate(expr, ctx, schema), operands: operandsOf(expr).map((o) => explainOperand(o, ctx, schema, masking)) };
}

function flatten(expr: Expr, op: 'and' | 'or'): Expr[] {
  if (expr.kind === 'binary' && expr.op === op) return [...flatten(expr.left, op), ...flatten(expr.right, op)];
  return [expr];
}

/** The sub-expressions worth showing a value for: the non-literal sides of a comparison. */
function operandsOf(expr: Expr): Expr[] {
  const candidates: Expr[] = (() => {
    switch (expr.kind) {
      case 'binary':
        return [expr.left, expr.right];
      case 'in':
        return [expr.value];
      case 'between':
        return [expr.value, expr.low, expr.high];
      case 'is_null':
        return [expr.value];
      case 'string_match':
        return [expr.value, expr.pattern];
      case 'path':
      case 'aggregate':
        return [expr];
      case 'call':
        return expr.name === 'in_segment' ? [] : [expr];
      default:
        return [];
    }
  })();
  return candidates.filter((c) => !isLiteral(c));
}

function isLiteral(expr: Expr): boolean {
  return ['number', 'string', 'boolean', 'null', 'duration', 'timestamp', 'list'].includes(expr.kind);
}

function explainOperand(expr: Expr, ctx: EvalContext, schema: RuleSchema, masking: Masking): ExplainedOperand {
  if (!masking.showPii && readsPii(expr, masking.pii)) return { expr, shown: { masked: true } };
  let value: unknown;
  try {
    value = evaluateValue(expr, ctx, schema);
  } catch {
    value = null;
  }
  return { expr, shown: isTimestamp(expr, schema) && typeof value === 'number' ? { value, timestamp: true } : { value } };
}

/** Whether an expression reads a personal-data customer field anywhere inside it. */
export function readsPii(expr: Expr, pii: ReadonlySet<string>): boolean {
  if (pii.size === 0) return false;
  if (expr.kind === 'path') return expr.segments.length === 1 && pii.has(expr.segments[0]!);
  // An aggregate's `where` reads event properties, never customer fields.
  if (expr.kind === 'aggregate') return false;
  return childExprs(expr).some((c) => readsPii(c, pii));
}

function isTimestamp(expr: Expr, schema: RuleSchema): boolean {
  if (expr.kind === 'aggregate')
    return expr.field === 'at' || (expr.fn === 'first' || expr.fn === 'last' ? expr.field === undefined : false);
  if (expr.kind !== 'path') return false;
  try {
    const resolved = resolvePath(expr.segments, { kind: 'customer' }, schema);
    return resolved.kind !== 'row' && resolved.type === 'timestamp';
  } catch {
    return false;
  }
}
