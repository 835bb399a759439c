import type { CallExpr, Expr } from '../../contract/core/ast.ts';
import { suggest } from '../../diagnostics/suggest.ts';
import { AGGREGATE_FNS } from '../../dsl/grammar.ts';
import { didYouMean, type CheckState } from './state.ts';
import { expectBoolean } from './check-operators.ts';
import { unknownTopicHelp } from '../topics.ts';
import { nameArgument } from '../../contract/core/name-argument.ts';
import { FUNCTION_FORMS, FUNCTION_NAMES, REFERENCE_FUNCTIONS, type FunctionName } from './functions.ts';
import { BOOLEAN, NUMBER, STRING, TIMESTAMP, UNKNOWN, describeType, unify, type RuleType } from './types.ts';
import { messageOf } from '../../diagnostics/catalogue/index.ts';

const KNOWN: ReadonlySet<string> = new Set(FUNCTION_NAMES);

export function checkCall(state: CheckState, expr: CallExpr): RuleType {
  if (!KNOWN.has(expr.name)) {
    for (const arg of expr.args) state.check(arg);
    state.error(
      'HL325',
      messageOf('HL325', { name: expr.name }),
      expr.nameSpan,
      didYouMean(suggest(expr.name, [...FUNCTION_NAMES, ...AGGREGATE_FNS])),
    );
    return UNKNOWN;
  }
  const name = expr.name as FunctionName;
  const target = REFERENCE_FUNCTIONS[name];
  if (target !== undefined) return referenceCall(state, expr, name, target);
  switch (name) {
    case 'if': {
      if (!arity(state, expr, 3, 3)) return UNKNOWN;
      expectBoolean(state, expr.args[0]!, 'the condition of `if`');
      return sameTypes(state, expr.args.slice(1), 'the two branches of `if`');
    }
    case 'coalesce':
      if (!arity(state, expr, 2, Infinity)) return UNKNOWN;
      return sameTypes(state, expr.args, 'the arguments of `coalesce`');
    case 'days_since':
      if (!arity(state, expr, 1, 1)) return UNKNOWN;
      argument(state, expr, 0, TIMESTAMP);
      return NUMBER;
    case 'lower':
    case 'upper':
      if (!arity(state, expr, 1, 1)) return UNKNOWN;
      argument(state, expr, 0, STRING);
      return STRING;
    case 'abs':
      if (!arity(state, expr, 1, 1)) return UNKNOWN;
      argument(state, expr, 0, NUMBER);
      return NUMBER;
    case 'round':
      if (!arity(state, expr, 1, 2)) return UNKNOWN;
      argument(state, expr, 0, NUMBER);
      if (expr.args.length === 2) argument(state, expr, 1, NUMBER);
      return NUMBER;
    case 'subscribed':
      return subscribedCall(state, expr);
  }
  return UNKNOWN;
}

/** Checks the argument count; on a mismatch reports HL326 (arguments are still checked). */
function arity(state: CheckState, expr: CallExpr, min: number, max: number): boolean {
  const n = expr.args.length;
  if (n >= min && n <= max) return true;
  for (const arg of expr.args) state.check(arg);
  const expected = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} or ${max}`;
  state.error(
    'HL326',
    messageOf('HL326', { name: expr.name, expected, value: min === 1 && max === 1 ? '' : 's', n }),
    expr.span,
    `write ${FUNCTION_FORMS[expr.name as FunctionName]}`,
  );
  return false;
}

function argument(state: CheckState, expr: CallExpr, index: number, expected: RuleType): void {
  const arg = expr.args[index]!;
  const t = state.check(arg);
  if (t.kind === 'unknown' || t.kind === expected.kind) return;
  let help: string | undefined;
  if (t.kind === 'duration' && expected.kind === 'number') help = 'divide by a unit to get a number, e.g. (t2 - t1) / 1d';
  if (t.kind === 'number' && expected.kind === 'timestamp') help = 'pass a time, e.g. last(purchase).at';
  state.error(
    'HL327',
    messageOf('HL327', { form: 'needs-but-this', name: expr.name, describeType: describeType(expected), describeType2: describeType(t) }),
    arg.span,
    help,
  );
}

function sameTypes(state: CheckState, args: readonly Expr[], what: string): RuleType {
  let result: RuleType | undefined;
  for (const arg of args) {
    const t = state.check(arg);
    if (result === undefined) {
      result = t;
      continue;
    }
    const joined = unify(result, t);
    if (joined === undefined) {
      state.error(
        'HL327',
        messageOf('HL327', { form: 'must-have-one', what, describeType: describeType(result), describeType2: describeType(t) }),
        arg.span,
      );
      return UNKNOWN;
    }
    result = joined;
  }
  return result ?? UNKNOWN;
}

/** `in_segment(vip)`, `score(repurchase_90d)`, `tier("ltv")`: the argument names a definition. */
function referenceCall(state: CheckState, expr: CallExpr, name: FunctionName, kind: 'Segment' | 'Model'): RuleType {
  if (!arity(state, expr, 1, 1)) return UNKNOWN;
  const result = name === 'in_segment' ? BOOLEAN : name === 'score' ? NUMBER : STRING;
  if (!state.customerScope) {
    state.error('HL329', messageOf('HL329', { form: 'not-available-here', name, scopeWords: scopeWords(state) }), expr.span);
    return UNKNOWN;
  }
  const arg = expr.args[0]!;
  const target = nameArgument(arg);
  if (target === undefined) {
    state.check(arg);
    state.error('HL334', messageOf('HL334', { form: 'takes-the-name', name, kind }), arg.span, `write ${FUNCTION_FORMS[name]}`);
    return result;
  }
  // The argument is a name, not a value: it has no type of its own.
  state.types.set(arg, STRING);
  state.reference(kind, target, arg.span);
  return result;
}

/**
 * `subscribed("offers")`: the argument names one of the Workspace's topics (HL313 otherwise, as
 * for a template's `topic:`), written as a string or bare like a segment's name.
 */
function subscribedCall(state: CheckState, expr: CallExpr): RuleType {
  if (!arity(state, expr, 1, 1)) return UNKNOWN;
  if (!state.customerScope) {
    state.error('HL329', messageOf('HL329', { form: 'subscribed-not-available', scopeWords: scopeWords(state) }), expr.span);
    return UNKNOWN;
  }
  const arg = expr.args[0]!;
  const topic = nameArgument(arg);
  if (topic === undefined) {
    const t = state.check(arg);
    state.error(
      'HL334',
      messageOf('HL334', { form: 'subscribed-takes-the', describeType: describeType(t) }),
      arg.span,
      `write ${FUNCTION_FORMS.subscribed}`,
    );
    return BOOLEAN;
  }
  state.types.set(arg, STRING);
  const declared = state.env.topics();
  if (!declared.includes(topic))
    state.error('HL313', messageOf('HL313', { form: 'subscribed-names-topic', topic }), arg.span, unknownTopicHelp(topic, declared));
  return BOOLEAN;
}

export function scopeWords(state: CheckState): string {
  if (state.inFilter) return "only the event's properties (inside `where`)";
  switch (state.scope) {
    case 'event':
      return "only the event's properties";
    case 'source-row':
      return "only the source row's columns";
    default:
      return 'customer fields, traits and events';
  }
}
