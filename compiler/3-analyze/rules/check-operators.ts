import type {
  BetweenExpr,
  BinaryExpr,
  Expr,
  InExpr,
  IsNullExpr,
  ListLiteral,
  StringMatchExpr,
  UnaryExpr,
} from '../../contract/core/ast.ts';
import type { CheckState } from './state.ts';
import { durationMs, MS_PER_DAY } from '../../contract/core/rule-paths.ts';
import {
  BOOLEAN,
  DURATION,
  NUMBER,
  ORDERABLE,
  STRING,
  TIMESTAMP,
  UNKNOWN,
  describeType,
  listOf,
  sameType,
  type RuleType,
} from './types.ts';
import { messageOf } from '../../diagnostics/catalogue/index.ts';

/** Checks that `expr` is a boolean (conditions, `and`/`or`/`not` operands); reports HL321. */
export function expectBoolean(state: CheckState, expr: Expr, role: string): void {
  requireBoolean(state, expr, state.check(expr), role);
}

function requireBoolean(state: CheckState, expr: Expr, t: RuleType, role: string): void {
  if (t.kind !== 'boolean' && t.kind !== 'unknown') {
    state.error('HL321', messageOf('HL321', { role, describeType: describeType(t) }), expr.span, conditionHelp(t));
  }
}

function conditionHelp(t: RuleType): string | undefined {
  if (t.kind === 'number') return 'compare it, e.g. `... > 0`';
  if (t.kind === 'string') return 'compare it, e.g. `... = "value"`';
  return undefined;
}

export function checkUnary(state: CheckState, expr: UnaryExpr): RuleType {
  if (expr.op === 'not') {
    expectBoolean(state, expr.operand, 'the operand of `not`');
    return BOOLEAN;
  }
  const t = state.check(expr.operand);
  if (t.kind === 'number' || t.kind === 'duration' || t.kind === 'unknown') return t;
  state.error(
    'HL320',
    messageOf('HL320', { form: 'cannot-negate', describeType: describeType(t) }),
    expr.span,
    'unary `-` applies to numbers and durations',
  );
  return UNKNOWN;
}

/** Operators that chain left-associatively, by the class they chain with. */
function chainClass(op: string): string | undefined {
  if (op === 'and' || op === 'or') return op;
  if (op === '+' || op === '-') return 'additive';
  if (op === '*' || op === '/') return 'multiplicative';
  return undefined;
}

export function checkBinary(state: CheckState, expr: BinaryExpr): RuleType {
  const chain = chainClass(expr.op);
  if (chain === undefined) return comparison(state, expr, state.check(expr.left), state.check(expr.right));
  // A chain `a + b + c + ...` is a left spine as deep as it is long: walk it in a loop so checking
  // costs no stack per term.
  const spine: BinaryExpr[] = [];
  let node: Expr = expr;
  while (node.kind === 'binary' && chainClass(node.op) === chain) {
    spine.push(node);
    node = node.left;
  }
  let type = state.check(node);
  for (let i = spine.length - 1; i >= 0; i--) {
    const link = spine[i]!;
    if (link.op === 'and' || link.op === 'or') {
      if (i === spine.length - 1) requireBoolean(state, link.left, type, `each side of \`${link.op}\``);
      expectBoolean(state, link.right, `each side of \`${link.op}\``);
      type = BOOLEAN;
    } else {
      type = arithmetic(state, link, type, state.check(link.right));
    }
    // The root's type is recorded by state.check(); the links below it are recorded here.
    if (i > 0) state.types.set(link, type);
  }
  return type;
}

function comparison(state: CheckState, expr: BinaryExpr, left: RuleType, right: RuleType): RuleType {
  if (left.kind === 'null' || right.kind === 'null') {
    const fix = expr.op === '!=' ? 'is not null' : 'is null';
    state.error(
      'HL333',
      messageOf('HL333', { form: 'null-never-true', op: expr.op }),
      expr.span,
      expr.op === '=' || expr.op === '!=' ? `use \`${fix}\`` : 'test for a missing value with `is null`',
    );
    return BOOLEAN;
  }
  if (!sameType(left, right)) {
    state.error(
      'HL320',
      messageOf('HL320', { form: 'cannot-compare-with', describeType: describeType(left), describeType2: describeType(right) }),
      expr.span,
      mismatchHelp(expr, left, right),
    );
    return BOOLEAN;
  }
  const ordered = expr.op !== '=' && expr.op !== '!=';
  const known = left.kind === 'unknown' ? right : left;
  if (ordered && !ORDERABLE.has(known.kind)) {
    state.error(
      'HL320',
      messageOf('HL320', { form: 'does-not-order', op: expr.op, formatPlural: formatPlural(known) }),
      expr.span,
      known.kind === 'boolean' ? 'booleans compare only with `=` and `!=`' : undefined,
    );
  } else if (known.kind === 'list') {
    state.error('HL320', messageOf('HL320', { form: 'lists-cannot-compared' }), expr.span);
  }
  return BOOLEAN;
}

function formatPlural(t: RuleType): string {
  return t.kind === 'boolean' ? 'booleans' : describeType(t);
}

function mismatchHelp(expr: BinaryExpr, left: RuleType, right: RuleType): string | undefined {
  const literal = [expr.left, expr.right].find((e) => e.kind === 'string' && /^-?\d+(\.\d+)?$/.test(e.value));
  if (literal && literal.kind === 'string' && (left.kind === 'number' || right.kind === 'number')) {
    return `write the number without quotes: ${literal.value}`;
  }
  const number = [expr.left, expr.right].find((e) => e.kind === 'number');
  if (number && number.kind === 'number' && (left.kind === 'string' || right.kind === 'string')) {
    return `to compare with the text "${number.value}", quote it`;
  }
  const kinds = new Set([left.kind, right.kind]);
  if (kinds.has('duration') && kinds.has('number')) {
    // `days_since(t) > 90d`: the number side already counts days, so the literal wants no unit.
    const duration = [expr.left, expr.right].find((e) => e.kind === 'duration');
    if (duration && duration.kind === 'duration') {
      const days = Number((durationMs(duration.amount, duration.unit) / MS_PER_DAY).toFixed(6));
      const other = duration === expr.left ? expr.right : expr.left;
      const written = `${duration.amount}${duration.unit}`;
      return other.kind === 'call' && other.name === 'days_since'
        ? `days_since(...) is a number of days: write ${days} instead of ${written}`
        : `the other side is a number, not a duration: write a number (${written} is ${days} days)`;
    }
    return 'write the number as a duration, e.g. 90d, or use days_since(...) for a number of days';
  }
  if (kinds.has('timestamp') && kinds.has('number')) return 'use days_since(t) for the number of days since a time';
  if (kinds.has('timestamp') && kinds.has('string')) return 'write the time unquoted: 2011-12-09 or 2011-12-09T12:00Z';
  return undefined;
}

/**
 * Arithmetic. Numbers with numbers; `timestamp - timestamp` is a duration; `timestamp ± duration`
 * a timestamp; `duration ± duration` a duration; `duration * number`, `number * duration` and
 * `duration / number` a duration; `duration / duration` a number; `string + string` joins.
 */
function arithmetic(state: CheckState, expr: BinaryExpr, left: RuleType, right: RuleType): RuleType {
  const l = left.kind;
  const r = right.kind;
  // An operand already in error (or a raw source column) decides nothing: no second error.
  if (l === 'unknown' || r === 'unknown') return UNKNOWN;
  const op = expr.op;
  const result = arithmeticResult(op, l, r);
  if (result) return result;
  state.error(
    'HL320',
    messageOf('HL320', { form: 'cannot-apply-and', op, describeType: describeType(left), describeType2: describeType(right) }),
    expr.span,
    arithmeticHelp(op, l, r),
  );
  return UNKNOWN;
}

function arithmeticResult(op: string, l: string, r: string): RuleType | undefined {
  if (l === 'number' && r === 'number') return NUMBER;
  switch (op) {
    case '+':
      if (l === 'string' && r === 'string') return STRING;
      if ((l === 'timestamp' && r === 'duration') || (l === 'duration' && r === 'timestamp')) return TIMESTAMP;
      if (l === 'duration' && r === 'duration') return DURATION;
      return undefined;
    case '-':
      if (l === 'timestamp' && r === 'timestamp') return DURATION;
      if (l === 'timestamp' && r === 'duration') return TIMESTAMP;
      if (l === 'duration' && r === 'duration') return DURATION;
      return undefined;
    case '*':
      if ((l === 'duration' && r === 'number') || (l === 'number' && r === 'duration')) return DURATION;
      return undefined;
    case '/':
      if (l === 'duration' && r === 'number') return DURATION;
      if (l === 'duration' && r === 'duration') return NUMBER;
      return undefined;
  }
  return undefined;
}

function arithmeticHelp(op: string, l: string, r: string): string | undefined {
  const kinds = new Set([l, r]);
  if (kinds.has('duration') && kinds.has('number') && (op === '+' || op === '-')) return 'write the number as a duration, e.g. 30d';
  if (kinds.has('timestamp') && kinds.has('number')) return 'add or subtract a duration (e.g. 30d), or use days_since(t)';
  if (kinds.has('string') && kinds.has('number')) return 'strings and numbers do not mix; compare or convert one of them';
  return undefined;
}

export function checkIn(state: CheckState, expr: InExpr): RuleType {
  const value = state.check(expr.value);
  const list = state.check(expr.list);
  if (value.kind === 'null') {
    state.error('HL333', messageOf('HL333', { form: 'null-never-true-2' }), expr.value.span, 'use `is null`');
    return BOOLEAN;
  }
  if (list.kind === 'unknown') return BOOLEAN;
  if (list.kind !== 'list') {
    state.error(
      'HL331',
      messageOf('HL331', { form: 'needs-list-but', value: expr.negated ? 'not in' : 'in', describeType: describeType(list) }),
      expr.list.span,
      'write a list: x in ["a", "b"]',
    );
    return BOOLEAN;
  }
  if (!sameType(value, list.element)) {
    state.error(
      'HL320',
      messageOf('HL320', {
        form: 'cannot-look-for',
        describeType: describeType(value),
        elementType: describeType(list.element).replace(/^an? /, ''),
      }),
      expr.span,
    );
  }
  return BOOLEAN;
}

export function checkBetween(state: CheckState, expr: BetweenExpr): RuleType {
  const value = state.check(expr.value);
  const low = state.check(expr.low);
  const high = state.check(expr.high);
  for (const [bound, t] of [
    [expr.low, low],
    [expr.high, high],
  ] as const) {
    if (t.kind === 'null') state.error('HL333', messageOf('HL333', { form: 'between-bound-cannot' }), bound.span);
    else if (!sameType(value, t))
      state.error(
        'HL320',
        messageOf('HL320', { form: 'cannot-compare-with', describeType: describeType(value), describeType2: describeType(t) }),
        bound.span,
      );
  }
  const known = [value, low, high].find((t) => t.kind !== 'unknown');
  if (known && !ORDERABLE.has(known.kind))
    state.error('HL320', messageOf('HL320', { form: 'between-does-not', formatPlural: formatPlural(known) }), expr.span);
  return BOOLEAN;
}

export function checkIsNull(state: CheckState, expr: IsNullExpr): RuleType {
  state.check(expr.value);
  return BOOLEAN;
}

export function checkStringMatch(state: CheckState, expr: StringMatchExpr): RuleType {
  const word = expr.op === 'starts_with' ? '`starts with`' : '`contains`';
  for (const operand of [expr.value, expr.pattern]) {
    const t = state.check(operand);
    if (t.kind !== 'string' && t.kind !== 'unknown')
      state.error('HL320', messageOf('HL320', { form: 'works-strings-but', word, describeType: describeType(t) }), operand.span);
  }
  return BOOLEAN;
}

export function checkList(state: CheckState, expr: ListLiteral): RuleType {
  let element: RuleType = UNKNOWN;
  for (const item of expr.items) {
    const t = state.check(item);
    if (t.kind === 'list') {
      state.error('HL331', messageOf('HL331', { form: 'lists-cannot-nested' }), item.span);
      continue;
    }
    if (t.kind === 'null') {
      state.error('HL331', messageOf('HL331', { form: 'list-cannot-hold' }), item.span, 'test for a missing value with `is null`');
      continue;
    }
    if (element.kind === 'unknown') element = t;
    else if (!sameType(element, t))
      state.error(
        'HL331',
        messageOf('HL331', {
          form: 'list-holds-values',
          describeType: describeType(t),
          elementType: describeType(element).replace(/^an? /, ''),
        }),
        item.span,
      );
  }
  return listOf(element);
}
