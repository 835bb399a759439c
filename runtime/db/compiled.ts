import { CompiledQuery as KyselyQuery } from 'kysely';
import { bindParameters, type CompiledQuery, type SqlRunInputs } from '../../compiler/contract/compiled-sql.ts';
import type { Dialect, Executor } from './database.ts';

/**
 * Runs SQL the compiler produced (a manifest's compiled block), optionally wrapped: `prefix` and
 * `suffix` are fixed SQL written around the query (e.g. `insert into t select … from (` … `) as q`).
 * Wrapping keeps the query's placeholders in order (`?` on SQLite, `$n` on PostgreSQL), so the
 * compiled parameter list binds unchanged; the prefix and suffix must add no placeholders.
 */
export async function runCompiled<R = Record<string, unknown>>(
  executor: Executor,
  dialect: Dialect,
  query: CompiledQuery,
  inputs: SqlRunInputs,
  wrap: { prefix?: string; suffix?: string } = {},
): Promise<{ rows: R[]; affected: number }> {
  const parameters = bindParameters(query, inputs).map((v) => toDriverValue(dialect, v));
  const text = `${wrap.prefix ?? ''}${query.sql}${wrap.suffix ?? ''}`;
  const result = await executor.executeQuery<R>(KyselyQuery.raw(text, parameters));
  return { rows: result.rows as R[], affected: Number(result.numAffectedRows ?? 0n) };
}

/** better-sqlite3 cannot bind booleans: SQLite stores them as 0/1 (the database contract). */
function toDriverValue(dialect: Dialect, value: string | number | boolean | null): string | number | boolean | null {
  if (dialect === 'sqlite' && typeof value === 'boolean') return value ? 1 : 0;
  return value;
}

/** A double-quoted SQL identifier (names come from the manifest; quotes inside are doubled). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
