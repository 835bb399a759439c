/**
 * The value type of an expression, as the SQL backend needs it: whether a boolean is a predicate,
 * which literal casts PostgreSQL needs, when strings need a collation. The rule has already been
 * type-checked, so this only reads types off the tree (and the data model for paths).
 */
import type { Expr } from '../contract/core/ast.ts';
import type { RuleValueType } from '../contract/compiled-sql.ts';
import { eventPropertyType, resolvePath, type PathScope, type RuleSchema } from '../contract/core/rule-paths.ts';

export function typeOf(expr: Expr, scope: PathScope, schema: RuleSchema): RuleValueType {
  switch (expr.kind) {
    case 'number':
      return 'number';
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'duration':
      return 'duration';
    case 'timestamp':
      return 'timestamp';
    case 'list':
      return 'list';
    case 'path': {
      const resolved = resolvePath(expr.segments, scope, schema);
      return resolved.kind === 'row' ? 'string' : resolved.type;
    }
    case 'unary':
      return expr.op === 'not' ? 'boolean' : typeOf(expr.operand, scope, schema);
    case 'binary':
      return binaryType(expr.op, typeOf(expr.left, scope, schema), typeOf(expr.right, scope, schema));
    case 'in':
    case 'between':
    case 'is_null':
    case 'string_match':
      return 'boolean';
    case 'call':
      // in_segment/score/tier/subscribed take a name, not a value.
      if (NAME_ARGUMENT.has(expr.name)) return callType(expr.name, []);
      return callType(
        expr.name,
        expr.args.map((a) => typeOf(a, scope, schema)),
      );
    case 'aggregate':
      return aggregateType(expr, schema);
  }
}

const NAME_ARGUMENT = new Set(['in_segment', 'score', 'tier', 'subscribed']);

function binaryType(op: string, left: RuleValueType, right: RuleValueType): RuleValueType {
  switch (op) {
    case '+':
    case '-':
      if (op === '+' && (left === 'string' || right === 'string')) return 'string';
      if (left === 'timestamp' && right === 'timestamp') return 'duration';
      if (left === 'timestamp' || right === 'timestamp') return 'timestamp';
      if (left === 'duration' || right === 'duration') return 'duration';
      return 'number';
    case '*':
    case '/':
      if (left === 'duration' && right === 'duration') return 'number';
      if (left === 'duration' || right === 'duration') return 'duration';
      return 'number';
    default:
      return 'boolean';
  }
}

function callType(name: string, args: RuleValueType[]): RuleValueType {
  switch (name) {
    case 'days_since':
    case 'abs':
    case 'round':
    case 'score':
      return name === 'abs' && args[0] === 'duration' ? 'duration' : 'number';
    case 'lower':
    case 'upper':
    case 'tier':
      return 'string';
    case 'in_segment':
    case 'subscribed':
      return 'boolean';
    case 'if':
      return firstKnown(args.slice(1));
    case 'coalesce':
      return firstKnown(args);
    default:
      throw new Error(`unknown function \`${name}\``);
  }
}

function firstKnown(types: RuleValueType[]): RuleValueType {
  return types.find((t) => t !== 'null') ?? 'null';
}

function aggregateType(expr: Extract<Expr, { kind: 'aggregate' }>, schema: RuleSchema): RuleValueType {
  switch (expr.fn) {
    case 'count':
    case 'sum':
    case 'avg':
      return 'number';
    case 'exists':
      return 'boolean';
    case 'min':
    case 'max':
      return eventPropertyType(schema, expr.event, expr.property ?? 'at') ?? 'number';
    case 'first':
    case 'last':
      return eventPropertyType(schema, expr.event, expr.field ?? 'at') ?? 'timestamp';
  }
}
