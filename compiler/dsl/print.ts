import type { AggregateExpr, DurationLiteral, EventWindow, Expr } from '../contract/core/ast.ts';
import { PRECEDENCE } from './grammar.ts';
import { RESERVED_WORDS } from './tokens.ts';

/**
 * Prints an AST as canonical rule text: single spaces around operators, `, ` between arguments,
 * and only the parentheses the grammar needs. parseRule(printRule(ast)) gives back `ast` (spans
 * aside) for every AST the parser produces, and for any AST up to the grouping of `and`/`or`
 * chains (printed flat: they are associative); printing is a fixed point. Number literals are
 * expected non-negative (the parser reads `-5` as unary minus applied to 5).
 */
export function printRule(expr: Expr): string {
  switch (expr.kind) {
    case 'number':
      return String(expr.value);
    case 'string':
      return quoteString(expr.value);
    case 'boolean':
      return expr.value ? 'true' : 'false';
    case 'null':
      return 'null';
    case 'duration':
      return printDuration(expr);
    case 'timestamp':
      return expr.value;
    case 'list':
      return '[' + expr.items.map(printRule).join(', ') + ']';
    case 'path':
      return expr.segments.map(quoteName).join('.');
    case 'call':
      return expr.name + '(' + expr.args.map(printRule).join(', ') + ')';
    case 'aggregate':
      return printAggregate(expr);
    case 'unary':
      return expr.op === 'not' ? 'not ' + operand(expr.operand, PRECEDENCE.not) : '-' + operand(expr.operand, PRECEDENCE.negate);
    case 'binary': {
      const p = binaryPrecedence(expr.op);
      if (p === PRECEDENCE.comparison) {
        return `${operand(expr.left, PRECEDENCE.additive)} ${expr.op} ${operand(expr.right, PRECEDENCE.additive)}`;
      }
      if (expr.op === 'and' || expr.op === 'or') {
        // Associative: a chain prints flat whatever its tree shape (see associate() in the parser).
        return chainOperands(expr, expr.op)
          .map((e) => operand(e, p + 1))
          .join(` ${expr.op} `);
      }
      // Left-associative: the left operand may bind as loosely as this operator, the right may not.
      // The left spine of a long chain (`a + b + c + ...`) is walked in a loop, not recursively,
      // so a rule of thousands of terms prints without exhausting the stack.
      const spine: Array<{ op: string; right: Expr }> = [];
      let left: Expr = expr;
      while (left.kind === 'binary' && binaryPrecedence(left.op) === p) {
        spine.push({ op: left.op, right: left.right });
        left = left.left;
      }
      let text = operand(left, p);
      for (let i = spine.length - 1; i >= 0; i--) text += ` ${spine[i]!.op} ${operand(spine[i]!.right, p + 1)}`;
      return text;
    }
    case 'in':
      return `${operand(expr.value, PRECEDENCE.additive)} ${expr.negated ? 'not in' : 'in'} ${operand(expr.list, PRECEDENCE.additive)}`;
    case 'between':
      return (
        `${operand(expr.value, PRECEDENCE.additive)} ${expr.negated ? 'not between' : 'between'} ` +
        `${operand(expr.low, PRECEDENCE.additive)} and ${operand(expr.high, PRECEDENCE.additive)}`
      );
    case 'is_null':
      return `${operand(expr.value, PRECEDENCE.additive)} ${expr.negated ? 'is not null' : 'is null'}`;
    case 'string_match':
      return `${operand(expr.value, PRECEDENCE.additive)} ${expr.op === 'starts_with' ? 'starts with' : 'contains'} ${operand(expr.pattern, PRECEDENCE.additive)}`;
  }
}

/** The operands of a chain of one associative operator, left to right (iterative: chains can be long). */
function chainOperands(root: Expr, op: 'and' | 'or'): Expr[] {
  const operands: Expr[] = [];
  const stack: Expr[] = [root];
  while (stack.length > 0) {
    const e = stack.pop()!;
    if (e.kind === 'binary' && e.op === op) stack.push(e.right, e.left);
    else operands.push(e);
  }
  return operands;
}

/** How tightly an expression binds when printed bare; a parent wraps it when it needs tighter. */
export function precedenceOf(expr: Expr): number {
  switch (expr.kind) {
    case 'binary':
      return binaryPrecedence(expr.op);
    case 'unary':
      return expr.op === 'not' ? PRECEDENCE.not : PRECEDENCE.negate;
    case 'in':
    case 'between':
    case 'is_null':
    case 'string_match':
      return PRECEDENCE.comparison;
    default:
      return PRECEDENCE.atom;
  }
}

function binaryPrecedence(op: string): number {
  switch (op) {
    case 'or':
      return PRECEDENCE.or;
    case 'and':
      return PRECEDENCE.and;
    case '+':
    case '-':
      return PRECEDENCE.additive;
    case '*':
    case '/':
      return PRECEDENCE.multiplicative;
    default:
      return PRECEDENCE.comparison;
  }
}

/** Prints `expr` where the grammar needs something binding at least as tightly as `min`. */
function operand(expr: Expr, min: number): string {
  const text = printRule(expr);
  return precedenceOf(expr) < min ? '(' + text + ')' : text;
}

function printDuration(d: DurationLiteral): string {
  return `${d.amount}${d.unit}`;
}

function printWindow(w: EventWindow): string {
  switch (w.kind) {
    case 'past':
      return 'within ' + printDuration(w.duration);
    case 'next':
      return 'within next ' + printDuration(w.duration);
    case 'since_entry':
      return 'within since_entry';
  }
}

function printAggregate(a: AggregateExpr): string {
  let inner = quoteName(a.event);
  if (a.property !== undefined) inner += '.' + quoteName(a.property);
  if (a.where) inner += ' where ' + printRule(a.where);
  if (a.window) inner += ' ' + printWindow(a.window);
  let text = `${a.fn}(${inner})`;
  if (a.field !== undefined) text += '.' + quoteName(a.field);
  return text;
}

const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A name as written in a rule: bare when it can be, else in backticks (see compiler/dsl/tokens.ts). */
export function quoteName(name: string): string {
  if (PLAIN_NAME.test(name) && !RESERVED_WORDS.has(name)) return name;
  return '`' + name.replace(/[\\`]/g, (c) => '\\' + c) + '`';
}

/** A string literal with the DSL's escapes; other control characters as \uXXXX. */
export function quoteString(value: string): string {
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    const code = value.charCodeAt(i);
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (code < 0x20 || code === 0x7f || code === 0x2028 || code === 0x2029) out += '\\u' + code.toString(16).padStart(4, '0');
    else out += ch;
  }
  return out + '"';
}
