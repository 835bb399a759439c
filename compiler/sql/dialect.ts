/**
 * The two SQL dialects as a small set of overrides (the Kysely way): how a boolean value becomes a
 * two-valued predicate, how literals are typed, which collation makes string order agree with the
 * JavaScript evaluator, and the Kysely instance (with no connection) that prints the SQL.
 */
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  sql,
  type RawBuilder,
} from 'kysely';
import type { RuleValueType, SqlDialect } from '../contract/compiled-sql.ts';

type Sql = RawBuilder<unknown>;

export interface DialectOps {
  name: SqlDialect;
  /**
   * How event aggregates are computed: false = a correlated subquery per customer (SQLite walks
   * the (customer_id, type, at) index per customer, which is its fastest plan); true = one
   * derived table per aggregate, grouped by customer_id and left-joined on it (PostgreSQL hashes
   * it once instead of running a subquery per customer). Same meaning either way.
   */
  groupedAggregates: boolean;
  /** A Kysely instance that only compiles (DummyDriver: no connection, no execution). */
  kysely: Kysely<any>;
  /** A bound number literal. */
  number(value: number): Sql;
  /** A bound epoch-millisecond or duration-millisecond literal (integers). */
  millis(value: number): Sql;
  string(value: string): Sql;
  /** A boolean as a value (0/1 on SQLite, BOOLEAN on PostgreSQL). */
  boolean(value: boolean): Sql;
  /** A constant predicate. */
  constant(value: boolean): Sql;
  /** Turns a possibly-missing boolean value into a predicate that is false when missing. */
  truthy(value: Sql): Sql;
  /** Two-valued: the predicate, with NULL read as false. */
  orFalse(predicate: Sql): Sql;
  /** Floating-point view of a number (so `/` never truncates and nothing overflows an integer). */
  toDouble(value: Sql): Sql;
  /** A string operand in code-point order (UTF-8 byte order = the evaluator's order). */
  ordered(value: Sql): Sql;
  /** `value` contains `pattern` literally (no LIKE wildcards). */
  contains(value: Sql, pattern: Sql): Sql;
  lower(value: Sql): Sql;
  upper(value: Sql): Sql;
  /**
   * `value in (…)` over a JSON array bound as one parameter (large literal lists): the items are
   * non-null literals of `type`, so as with a written list a NULL value gives NULL, never true.
   */
  inJsonList(value: Sql, json: string, type: RuleValueType): Sql;
}

function compileOnly(kind: SqlDialect): Kysely<any> {
  return new Kysely<any>({
    dialect:
      kind === 'sqlite'
        ? {
            createAdapter: () => new SqliteAdapter(),
            createDriver: () => new DummyDriver(),
            createIntrospector: (db) => new SqliteIntrospector(db),
            createQueryCompiler: () => new SqliteQueryCompiler(),
          }
        : {
            createAdapter: () => new PostgresAdapter(),
            createDriver: () => new DummyDriver(),
            createIntrospector: (db) => new PostgresIntrospector(db),
            createQueryCompiler: () => new PostgresQueryCompiler(),
          },
  });
}

/**
 * SQLite: values need no casts (better-sqlite3 binds every JS number as REAL), booleans are 0/1,
 * and the default BINARY collation already compares UTF-8 bytes. `lower`/`upper` call the
 * JavaScript functions the database layer registers on every connection (`herald_lower`,
 * `herald_upper`), because SQLite's own fold only ASCII.
 */
const sqlite: DialectOps = {
  name: 'sqlite',
  groupedAggregates: false,
  kysely: compileOnly('sqlite'),
  number: (v) => sql`${v}`,
  millis: (v) => sql`${v}`,
  string: (v) => sql`${v}`,
  boolean: (v) => sql`${v ? 1 : 0}`,
  constant: (v) => (v ? sql`1` : sql`0`),
  truthy: (v) => sql`coalesce(${v}, 0) = 1`,
  orFalse: (p) => sql`coalesce(${p}, 0)`,
  toDouble: (v) => sql`cast(${v} as real)`,
  ordered: (v) => v,
  contains: (v, p) => sql`instr(${v}, ${p}) > 0`,
  lower: (v) => sql`herald_lower(${v})`,
  upper: (v) => sql`herald_upper(${v})`,
  // json_each yields JSON true/false as 1/0, numbers as numbers and strings as text: SQLite's own forms.
  inJsonList: (v, json) => sql`${v} in (select value from json_each(${json}))`,
};

/**
 * PostgreSQL: every bound value carries an explicit type (parameters are otherwise inferred from
 * context, and `$1 - $2` has none); strings are ordered with COLLATE "C" (code-point order, as in
 * SQLite and the evaluator); `lower`/`upper` use the `herald_lower`/`herald_upper` SQL functions the
 * database layer creates, which apply full Unicode case mapping like JavaScript does.
 */
const postgres: DialectOps = {
  name: 'postgres',
  groupedAggregates: true,
  kysely: compileOnly('postgres'),
  number: (v) => sql`cast(${v} as double precision)`,
  millis: (v) => sql`cast(${v} as bigint)`,
  string: (v) => sql`cast(${v} as text)`,
  boolean: (v) => sql`cast(${v} as boolean)`,
  constant: (v) => (v ? sql`true` : sql`false`),
  truthy: (v) => sql`coalesce(${v}, false)`,
  orFalse: (p) => sql`coalesce(${p}, false)`,
  toDouble: (v) => sql`cast(${v} as double precision)`,
  ordered: (v) => sql`(${v} collate "C")`,
  contains: (v, p) => sql`strpos(${v}, ${p}) > 0`,
  lower: (v) => sql`herald_lower(${v})`,
  upper: (v) => sql`herald_upper(${v})`,
  inJsonList: (v, json, type) =>
    sql`${v} in (select cast(item as ${sql.raw(POSTGRES_ITEM_TYPES[type] ?? 'text')}) from jsonb_array_elements_text(cast(${json} as jsonb)) as items(item))`,
};

/** The PostgreSQL type each rule type's bound literals carry (as in `number`, `millis`, `string`, `boolean`). */
const POSTGRES_ITEM_TYPES: Partial<Record<RuleValueType, string>> = {
  number: 'double precision',
  timestamp: 'bigint',
  duration: 'bigint',
  string: 'text',
  boolean: 'boolean',
};

export const DIALECTS: Readonly<Record<SqlDialect, DialectOps>> = { sqlite, postgres };
