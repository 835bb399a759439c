import type { FieldType } from '../../contract/data-model.ts';

/**
 * The types of rule values. `unknown` is what an erroneous sub-expression (already reported) or a
 * raw source column has: it is compatible with everything, so one mistake gives one error.
 */
export type ScalarKind = 'number' | 'string' | 'boolean' | 'timestamp' | 'duration' | 'null' | 'unknown';
export type RuleType = { kind: ScalarKind } | { kind: 'list'; element: RuleType };

export const NUMBER: RuleType = { kind: 'number' };
export const STRING: RuleType = { kind: 'string' };
export const BOOLEAN: RuleType = { kind: 'boolean' };
export const TIMESTAMP: RuleType = { kind: 'timestamp' };
export const DURATION: RuleType = { kind: 'duration' };
export const NULL: RuleType = { kind: 'null' };
export const UNKNOWN: RuleType = { kind: 'unknown' };
export const listOf = (element: RuleType): RuleType => ({ kind: 'list', element });

/** Data model field types as rules see them: email and id are strings, date is a timestamp (midnight). */
export function fieldRuleType(type: FieldType): RuleType {
  switch (type) {
    case 'number':
    case 'integer':
      return NUMBER;
    case 'boolean':
      return BOOLEAN;
    case 'timestamp':
    case 'date':
      return TIMESTAMP;
    case 'string':
    case 'email':
    case 'id':
      return STRING;
  }
}

export function formatType(t: RuleType): string {
  return t.kind === 'list' ? `list<${formatType(t.element)}>` : t.kind;
}

/** "a number", "a list<string>": for messages. */
export function describeType(t: RuleType): string {
  if (t.kind === 'null') return 'null';
  if (t.kind === 'boolean') return 'a boolean';
  return /^[aeiou]/.test(formatType(t)) ? `an ${formatType(t)}` : `a ${formatType(t)}`;
}

export const isUnknown = (t: RuleType): boolean => t.kind === 'unknown';

/** Same type, treating unknown as a wildcard (also inside lists). */
export function sameType(a: RuleType, b: RuleType): boolean {
  if (a.kind === 'unknown' || b.kind === 'unknown') return true;
  if (a.kind === 'list' && b.kind === 'list') return sameType(a.element, b.element);
  return a.kind === b.kind;
}

/** The common type of two values that may stand in for each other (if/coalesce branches); null joins anything. */
export function unify(a: RuleType, b: RuleType): RuleType | undefined {
  if (a.kind === 'null' || a.kind === 'unknown') return b.kind === 'null' ? a : b;
  if (b.kind === 'null' || b.kind === 'unknown') return a;
  if (a.kind === 'list' && b.kind === 'list') {
    const element = unify(a.element, b.element);
    return element ? listOf(element) : undefined;
  }
  return a.kind === b.kind ? a : undefined;
}

export const ORDERABLE: ReadonlySet<string> = new Set(['number', 'string', 'timestamp', 'duration', 'unknown']);
