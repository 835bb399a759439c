/**
 * The SQL backend of the rule DSL: rules, segments and traits compiled through Kysely (with no
 * connection) to SQL text and bound parameters for SQLite and PostgreSQL.
 */
export { compileSegmentQuery, compileTraitQuery } from './query.ts';
export { traitOutputs } from './outputs.ts';
export { DIALECTS, type DialectOps } from './dialect.ts';
export type { SqlCompileOptions } from './context.ts';
