import type { RuleBlock } from './spec.ts';
import type { SourceRow } from './read/record.ts';
import { compileValue } from '../eval/compile.ts';
import type { EvalContext } from '../eval/context.ts';
import type { RuleSchema } from '../../compiler/types/rule-paths.ts';

/** A mapping or reject rule compiled to a function of one raw source row. */
export type RowFn = (row: SourceRow) => unknown;

/**
 * Compiles a rule-DSL expression (scope "source-row": paths are the row's columns) into a RowFn.
 * This is the seam where the rule evaluator plugs in; ingestion never interprets rules itself.
 */
export type RowRuleCompiler = (rule: RuleBlock) => RowFn;

/** Truthiness of a reject rule's result, with the DSL's two-valued logic (missing is false). */
export function holds(value: unknown): boolean {
  return value === true;
}

/**
 * The runtime's compiler: the rule evaluator's row mode over the AST the compiler put in the
 * manifest. A rule without an AST means the manifest was not built by a compiler that parses
 * rules, which is a bug, not bad input.
 */
export const compileRowRule: RowRuleCompiler = (rule) => {
  if (!rule.ast) throw new Error(`internal: the source rule "${rule.text}" reached the runtime without its parsed form`);
  const fn = compileValue(rule.ast, { schema: NO_SCHEMA, scope: { kind: 'row' } });
  return (row) => fn(contextOf(row), undefined);
};

/** Row mode reads only the row's columns: no data model, no traits. */
const NO_SCHEMA: RuleSchema = {
  dataModel: { customers: { fields: {}, mergeByEmail: false }, events: {}, items: { fields: {} } },
  traits: {},
};

let lastRow: SourceRow | undefined;
let lastContext: EvalContext | undefined;

/**
 * The evaluator context of a row, made once for all of that row's rules (a Source has a dozen or
 * so, and half a million rows make that many short-lived objects otherwise).
 */
function contextOf(row: SourceRow): EvalContext {
  if (row !== lastRow || !lastContext) {
    lastRow = row;
    lastContext = { asOf: 0, customer: row };
  }
  return lastContext;
}
