/**
 * State of one SQL compilation: the dialect, the names rules may read, which row a path reads
 * (the customer alias, or the event alias inside an aggregate's `where`), and the segments that
 * `in_segment` may inline.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Expr } from '../contract/core/ast.ts';
import type { PathScope, RuleSchema } from '../contract/core/rule-paths.ts';
import type { DialectOps } from './dialect.ts';

/** Stands in for the `as_of` run-time parameter in Kysely's parameter list until compile() names it. */
export const AS_OF_MARKER: Readonly<{ heraldParameter: 'as_of' }> = Object.freeze({ heraldParameter: 'as_of' as const });

export interface SqlCompileOptions {
  schema: RuleSchema;
  /** The membership rule of a segment (include/exclude folded in), for `in_segment`. */
  segmentRule?: (name: string) => Expr | undefined;
}

export interface SqlContext {
  dialect: DialectOps;
  options: SqlCompileOptions;
  scope: PathScope;
  /** Alias of the customers row paths and aggregates are keyed on. */
  customerAlias: string;
  /** Alias of the event row, inside an aggregate's `where`. */
  eventAlias?: string;
  /**
   * The expression being compiled sits in a filter position (WHERE, CASE WHEN), where NULL counts
   * as false: its top comparisons may leave out their two-valued guards (see compileFilter).
   */
  filter?: boolean;
  /** Segments being inlined (a cycle would never terminate; the analyzer reports it first). */
  inlining: readonly string[];
  /** Shared alias counter so nested subqueries never shadow each other. */
  aliases: { next: number };
  /**
   * Where the current customer-level query collects its aggregate joins (dialects that compute
   * aggregates as grouped derived tables; see DialectOps.groupedAggregates).
   */
  joins?: AggregateJoin[];
}

/** `left join (<query grouped by customer_id>) as <alias> on <alias>.customer_id = <customer>.id`. */
export interface AggregateJoin {
  alias: string;
  query: RawBuilder<unknown>;
}

export function freshAlias(ctx: SqlContext, prefix: string): string {
  ctx.aliases.next += 1;
  return `${prefix}${ctx.aliases.next}`;
}

/** The as-of instant (epoch milliseconds), always a bound parameter. */
export function asOf(ctx: SqlContext): RawBuilder<unknown> {
  return ctx.dialect.name === 'postgres' ? sql`cast(${AS_OF_MARKER} as bigint)` : sql`${AS_OF_MARKER}`;
}

export function rootContext(dialect: DialectOps, options: SqlCompileOptions, customerAlias = 'c'): SqlContext {
  const ctx: SqlContext = { dialect, options, scope: { kind: 'customer' }, customerAlias, inlining: [], aliases: { next: 0 } };
  if (dialect.groupedAggregates) ctx.joins = [];
  return ctx;
}
