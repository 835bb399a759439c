import type { Expr } from '../../contract/core/ast.ts';
import type { RuleScope } from '../../dsl/scope.ts';
import type { RuleSite } from '../../1-load/rules.ts';
import type { CheckedRule } from './facts.ts';
import type { RuleEnvironment } from './environment.ts';
import { CheckState } from './state.ts';
import { checkPath } from './check-paths.ts';
import { checkBetween, checkBinary, checkIn, checkIsNull, checkList, checkStringMatch, checkUnary } from './check-operators.ts';
import { checkCall } from './check-calls.ts';
import { checkAggregate } from './check-aggregates.ts';
import { BOOLEAN, DURATION, NULL, NUMBER, STRING, TIMESTAMP, describeType, sameType, type RuleType } from './types.ts';
import { messageOf } from '../../diagnostics/catalogue/index.ts';

/** One visitor per node kind. */
function visit(state: CheckState, expr: Expr): RuleType {
  switch (expr.kind) {
    case 'number':
      return NUMBER;
    case 'string':
      return STRING;
    case 'boolean':
      return BOOLEAN;
    case 'null':
      return NULL;
    case 'duration':
      return DURATION;
    case 'timestamp':
      return TIMESTAMP;
    case 'list':
      return checkList(state, expr);
    case 'path':
      return checkPath(state, expr);
    case 'unary':
      return checkUnary(state, expr);
    case 'binary':
      return checkBinary(state, expr);
    case 'in':
      return checkIn(state, expr);
    case 'between':
      return checkBetween(state, expr);
    case 'is_null':
      return checkIsNull(state, expr);
    case 'string_match':
      return checkStringMatch(state, expr);
    case 'call':
      return checkCall(state, expr);
    case 'aggregate':
      return checkAggregate(state, expr);
  }
}

/**
 * Type-checks a parsed rule in its scope against the data model, traits and definitions of the
 * environment; every problem is reported through `env.report` with its exact span in the file.
 * Returns undefined for a rule that did not parse (its syntax errors were reported in phase 1).
 */
export function checkRule(site: RuleSite, scope: RuleScope, env: RuleEnvironment): CheckedRule | undefined {
  if (!site.ast) return undefined;
  const state = new CheckState(site, scope, env, visit);
  if (scope === 'event') state.eventContext = env.event;
  const type = state.check(site.ast);
  return { site, scope, ast: site.ast, type, types: state.types, targets: state.targets, uses: state.uses, ok: state.errors === 0 };
}

/**
 * Reports HL332 when a checked rule's type is not what its place needs (`where` must be boolean, a
 * trait's expression its declared type). Returns whether it fits.
 */
export function expectRuleType(rule: CheckedRule, expected: RuleType, env: RuleEnvironment, place: string): boolean {
  if (sameType(rule.type, expected)) return true;
  const state = new CheckState(rule.site, rule.scope, env, visit);
  let help: string | undefined;
  if (expected.kind === 'boolean' && rule.type.kind === 'number') help = 'compare it, e.g. `... > 0`';
  state.error(
    'HL332',
    messageOf('HL332', { place, describeType: describeType(expected), describeType2: describeType(rule.type) }),
    rule.ast.span,
    help,
  );
  return false;
}
