/**
 * What a path in a rule reads, shared by both rule backends (SQL and the JavaScript evaluator) so
 * they resolve every name the same way. The type checker has already rejected unknown names; a
 * path that still does not resolve here is an internal error.
 */
import type { DataModel, FieldType } from '../data-model.ts';
import type { RuleValueType, TraitOutput } from '../compiled-sql.ts';
import { own } from './own.ts';

/** The names rules may read: the data model and the traits' output columns. */
export interface RuleSchema {
  dataModel: DataModel;
  /** Trait name → its output columns (`value` for a one-output trait). */
  traits: Record<string, TraitOutput[]>;
}

/** Where a path is evaluated: over a customer, inside an aggregate's `where` (one event), or over a raw source row. */
export type PathScope = { kind: 'customer' } | { kind: 'event'; event: string } | { kind: 'row' };

export type ResolvedPath =
  | { kind: 'customer'; field: string; type: RuleValueType }
  | { kind: 'trait'; trait: string; output: string; type: RuleValueType }
  | { kind: 'event'; property: string; type: RuleValueType }
  | { kind: 'row'; column: string };

export function fieldValueType(type: FieldType): RuleValueType {
  switch (type) {
    case 'number':
    case 'integer':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'timestamp':
    case 'date':
      return 'timestamp';
    default:
      return 'string';
  }
}

/** Built-in columns of every event row, readable in a `where` filter and by first()/last(). */
const EVENT_BUILTINS: Record<string, RuleValueType> = { id: 'string', type: 'string', customer_id: 'string', at: 'timestamp' };

/** The type of property `name` of event type `event` (built-ins included), or undefined. */
export function eventPropertyType(schema: RuleSchema, event: string, name: string): RuleValueType | undefined {
  if (Object.hasOwn(EVENT_BUILTINS, name)) return EVENT_BUILTINS[name];
  const def = own(own(schema.dataModel.events, event), name);
  return def ? fieldValueType(def.type) : undefined;
}

export function resolvePath(segments: readonly string[], scope: PathScope, schema: RuleSchema): ResolvedPath {
  const joined = segments.join('.');
  if (scope.kind === 'row') return { kind: 'row', column: joined };
  if (scope.kind === 'event') {
    const type = segments.length === 1 ? eventPropertyType(schema, scope.event, segments[0]!) : undefined;
    if (type) return { kind: 'event', property: segments[0]!, type };
    throw new Error(`\`${joined}\` is not a property of event \`${scope.event}\``);
  }
  const [head, second] = segments;
  if (segments.length === 1 && head === 'id') return { kind: 'customer', field: 'id', type: 'string' };
  const field = segments.length === 1 ? own(schema.dataModel.customers.fields, head!) : undefined;
  if (field) return { kind: 'customer', field: head!, type: fieldValueType(field.type) };
  const outputs = own(schema.traits, head!);
  if (outputs && segments.length <= 2) {
    const wanted = second ?? (outputs.length === 1 ? outputs[0]!.name : 'value');
    const output = outputs.find((o) => o.name === wanted);
    if (output) return { kind: 'trait', trait: head!, output: output.name, type: output.type };
  }
  throw new Error(`\`${joined}\` is neither a customer field nor a trait output`);
}

/** Milliseconds per duration unit. */
export const DURATION_MS: Record<'s' | 'm' | 'h' | 'd' | 'w', number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

export const MS_PER_DAY = 86_400_000;

/** A duration literal in whole milliseconds (both backends round the same way). */
export function durationMs(amount: number, unit: keyof typeof DURATION_MS): number {
  return Math.round(amount * DURATION_MS[unit]);
}
