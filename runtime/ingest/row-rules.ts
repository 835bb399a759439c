import type { RuleBlock } from '../../compiler/contract/source.ts';
import type { SourceRow } from './read/record.ts';
import { compileRowMapping } from '../eval/rule.ts';

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
  const fn = compileRowMapping(rule.ast);
  return (row) => fn(row);
};
