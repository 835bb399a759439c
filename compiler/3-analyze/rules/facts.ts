/**
 * What the rule type checker and the Trait/Segment analyzers hand to the emit phase (SQL) and the
 * JavaScript evaluator. Import these types from here.
 */
import type { DurationLiteral, Expr, PathExpr } from '../../contract/core/ast.ts';
import type { RuleScope } from '../../dsl/scope.ts';
import type { RuleSite } from '../../1-load/rules.ts';
import type { RuleType } from './types.ts';

export type { RuleType } from './types.ts';

/** What a path in a rule names. Identifiers in SQL come only from these (never from rule text). */
export type PathTarget =
  /** `country`, `id`: a column of the customers table. */
  | { kind: 'customer_field'; field: string }
  /** `ltv`, `lifecycle` (output ''), `rfm.monetary` (output 'monetary'). */
  | { kind: 'trait'; trait: string; output: string }
  /** Inside an aggregate's `where` or an event-scope rule: a property of the event (or `at`, `type`, `customer_id`). */
  | { kind: 'event_property'; event: string; property: string }
  /** A raw column of a Source row. */
  | { kind: 'source_column'; column: string };

/** A type-checked rule: the parser's AST with every node's type and every path's target. */
export interface CheckedRule {
  site: RuleSite;
  scope: RuleScope;
  ast: Expr;
  type: RuleType;
  /** The type of every node of `ast` (by identity). */
  types: ReadonlyMap<Expr, RuleType>;
  /** What every path node of `ast` names (by identity). Absent for paths that did not resolve. */
  targets: ReadonlyMap<PathExpr, PathTarget>;
  /** Definitions the rule uses: traits, `in_segment`, `score`/`tier` models (also declared as graph edges). */
  uses: ReadonlyArray<{ kind: 'Trait' | 'Segment' | 'Model'; name: string }>;
  /** False when the rule had type errors (reported); emitters should not rely on it then. */
  ok: boolean;
}

/** One value a trait makes available to rules. */
export interface TraitOutput {
  /** '' for a single-valued trait (read as `name`), else the output read as `name.output`. */
  output: string;
  type: RuleType;
}

interface TraitFactsBase {
  name: string;
  outputs: TraitOutput[];
}

/** `expression` + `type`: the value of one rule per customer. */
export interface ExpressionTraitFacts extends TraitFactsBase {
  kind: 'expression';
  rule?: CheckedRule;
}

/**
 * Built-in RFM. Outputs recency, frequency, monetary (1..5, 5 best), score (string of the three
 * digits, e.g. "545") and total (their sum, 3..15); all null for a customer with no event in the
 * window. A dimension without fixed cut points is scored by quintiles (NTILE(5)) over the
 * customers that have events in the window; recency is days since the last event (fewer is better).
 */
export interface RfmTraitFacts extends TraitFactsBase {
  kind: 'rfm';
  event: string;
  /** The numeric event property summed for monetary. */
  amount: string;
  window: DurationLiteral;
  cutPoints: { recency?: number[]; frequency?: number[]; monetary?: number[] };
}

/** First stage whose `when` holds wins; `else` when none does. Output type string. */
export interface LifecycleTraitFacts extends TraitFactsBase {
  kind: 'lifecycle';
  stages: Array<{ name: string; when?: CheckedRule }>;
  else: string;
}

export type TraitFacts = ExpressionTraitFacts | RfmTraitFacts | LifecycleTraitFacts;

/**
 * A customer is a member when `where` holds (if given), they are in at least one `include`
 * segment (if any), and in none of the `exclude` segments.
 */
export interface SegmentFacts {
  name: string;
  where?: CheckedRule;
  include: string[];
  exclude: string[];
  /** Kept materialized even when nothing uses it. */
  live: boolean;
}
