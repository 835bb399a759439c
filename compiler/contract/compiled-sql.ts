/**
 * The compiled SQL blocks the manifest carries for segments and traits, and what the runtime needs
 * to run them: SQL text per dialect with a parameter list in which literal values are bound as
 * they are and run-time inputs (the "as of" instant) are named.
 */
import type { Expr } from './core/ast.ts';

export type SqlDialect = 'sqlite' | 'postgres';
export const SQL_DIALECTS: readonly SqlDialect[] = ['sqlite', 'postgres'];

/** The value types of the rule DSL as the backends see them (timestamps and durations are epoch/duration milliseconds). */
export type RuleValueType = 'number' | 'string' | 'boolean' | 'timestamp' | 'duration' | 'null' | 'list';

/** A parameter of a compiled query: a literal bound as is, or a named run-time input. */
export type SqlParameter = { value: string | number | boolean | null } | { name: 'as_of' };

/** Named run-time inputs a query may take. `as_of` is epoch milliseconds. */
export interface SqlRunInputs {
  as_of: number;
}

export interface CompiledQuery {
  /** SQL text with positional placeholders (`?` on SQLite, `$n` on PostgreSQL). */
  sql: string;
  parameters: SqlParameter[];
}

/** Binds a compiled query's parameters for one run. */
export function bindParameters(query: CompiledQuery, inputs: SqlRunInputs): Array<string | number | boolean | null> {
  return query.parameters.map((p) => ('name' in p ? inputs[p.name] : p.value));
}

/** One output column of a trait table (`trait_<name>.<column>`). */
export interface TraitOutput {
  name: string;
  type: RuleValueType;
}

/** Fixed RFM cut points: four ascending numbers per dimension (see the Trait schema). */
export interface RfmCutPoints {
  /** Days since the last event: up to [0] scores 5 ... over [3] scores 1. */
  recency?: number[];
  /** Events in the window: up to [0] scores 1 ... over [3] scores 5. */
  frequency?: number[];
  /** Sum of the amount: up to [0] scores 1 ... over [3] scores 5. */
  monetary?: number[];
}

/** A trait as the backends need it: how it is computed (its outputs follow from it). */
export type TraitPlan =
  | { kind: 'expression'; name: string; expression: Expr; type: RuleValueType }
  | {
      kind: 'rfm';
      name: string;
      /** The event type whose events are scored. */
      event: string;
      /** The numeric event property summed for `monetary`. */
      amount: string;
      /** Look-back window in milliseconds (`as_of - window <= at <= as_of`). */
      windowMs: number;
      cutPoints?: RfmCutPoints;
    }
  | { kind: 'lifecycle'; name: string; stages: Array<{ name: string; when: Expr }>; else: string | null };

/** The `compiled` block of a Segment in the manifest. */
export interface CompiledSegment {
  /** `select customer_id from customers where ...` as of the `as_of` parameter, per dialect. */
  sql: Record<SqlDialect, CompiledQuery>;
  /** The membership rule for the JavaScript evaluator (include/exclude folded in). */
  ast: Expr;
  /** Traits and segments the query reads, as `Trait/name` / `Segment/name`. */
  dependencies: string[];
}

/** The `compiled` block of a Trait in the manifest. */
export interface CompiledTrait {
  /** `select customer_id, <outputs> ...` as of the `as_of` parameter, per dialect. */
  sql: Record<SqlDialect, CompiledQuery>;
  /** The table the runtime rebuilds: `trait_<name>`. */
  table: string;
  outputs: TraitOutput[];
  /** How the trait is computed, for the JavaScript evaluator. */
  plan: TraitPlan;
  dependencies: string[];
}
