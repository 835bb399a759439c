/**
 * A Test's `given` customers and events checked against the data model (HL431) and turned into
 * stored values (timestamps as epoch milliseconds), so the runtime loads them without guessing.
 */
import type { AnalyzeContext, DocPath } from '../context.ts';
import type { FieldDef } from '../../contract/data-model.ts';
import type { Definition } from '../../1-load/definition.ts';
import type { CompiledTest } from '../../contract/journey.ts';
import { checkEventType, didYouMean, reportAt } from './report.ts';
import { parseTime } from './times.ts';
import { own } from '../../contract/core/own.ts';
import type { MessageParams } from '../../diagnostics/catalogue/index.ts';

type Scalar = string | number | boolean | null;

export interface RawGiven {
  customers?: Array<Record<string, Scalar>>;
  events?: Array<Record<string, Scalar>>;
  unsubscribed?: Array<string | number>;
}

export function analyzeGiven(ctx: AnalyzeContext, def: Definition, given: RawGiven): CompiledTest['given'] | undefined {
  let ok = true;
  const fail = (params: MessageParams<'HL431'>, path: DocPath, options: { key?: boolean; help?: string } = {}) => {
    ok = false;
    reportAt(ctx, def, 'HL431', params, path, options);
  };
  const fields = ctx.dataModel.customers.fields;
  const customers: CompiledTest['given']['customers'] = [];
  const ids = new Set<string>();
  (given.customers ?? []).forEach((raw, i) => {
    const at: DocPath = ['spec', 'given', 'customers', i];
    const id = String(raw.id);
    if (ids.has(id)) fail({ form: 'given-twice', id }, [...at, 'id']);
    ids.add(id);
    const row: Record<string, Scalar> = { id };
    for (const [name, value] of Object.entries(raw)) {
      if (name === 'id') continue;
      const field = own(fields, name);
      if (!field) {
        fail({ form: 'unknown-field', name }, [...at, name], {
          key: true,
          help: didYouMean(name, Object.keys(fields)) ?? 'declare it under `customers.fields` in herald.yaml',
        });
        continue;
      }
      const stored = storedValue(field, value);
      if (stored === undefined)
        fail({ form: 'field-type', name, type: field.type, value: JSON.stringify(value), article: article(field.type) }, [...at, name], {
          help: hint(field),
        });
      else row[name] = stored;
    }
    customers.push(row);
  });

  const events: CompiledTest['given']['events'] = [];
  (given.events ?? []).forEach((raw, i) => {
    const at: DocPath = ['spec', 'given', 'events', i];
    const customer = String(raw.customer);
    if (!ids.has(customer)) fail({ form: 'event-customer', customer }, [...at, 'customer'], { help: didYouMean(customer, ids) });
    const type = String(raw.type);
    const instant = parseTime(String(raw.at));
    if (instant?.kind !== 'instant') fail({ form: 'not-an-instant', at: String(raw.at) }, [...at, 'at']);
    if (!checkEventType(ctx, def, type, [...at, 'type'])) {
      ok = false;
      return;
    }
    const declared = ctx.dataModel.events[type]!;
    const properties: Record<string, Scalar> = {};
    for (const [name, value] of Object.entries(raw)) {
      if (name === 'customer' || name === 'type' || name === 'at') continue;
      const field = declared[name];
      if (!field) {
        fail({ form: 'unknown-property', type, name }, [...at, name], {
          key: true,
          help: didYouMean(name, Object.keys(declared)) ?? `its properties are ${Object.keys(declared).join(', ') || '(none)'}`,
        });
        continue;
      }
      const stored = storedValue(field, value);
      if (stored === undefined)
        fail(
          { form: 'property-type', name, type, fieldType: field.type, value: JSON.stringify(value), article: article(field.type) },
          [...at, name],
          { help: hint(field) },
        );
      else properties[name] = stored;
    }
    if (instant?.kind === 'instant') events.push({ customer, type, at: instant.at, properties });
  });

  const unsubscribed: string[] = [];
  (given.unsubscribed ?? []).forEach((raw, i) => {
    const id = String(raw);
    if (!ids.has(id)) fail({ form: 'not-given', id }, ['spec', 'given', 'unsubscribed', i], { help: didYouMean(id, ids) });
    else unsubscribed.push(id);
  });
  return ok ? { customers, events, unsubscribed } : undefined;
}

/** The value as stored for the field's type, or undefined when it does not fit. */
function storedValue(field: FieldDef, value: Scalar): Scalar | undefined {
  if (value === null) return null;
  switch (field.type) {
    case 'string':
    case 'email':
    case 'id':
      return typeof value === 'boolean' ? undefined : String(value);
    case 'number':
      return typeof value === 'number' ? value : undefined;
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
    case 'boolean':
      return typeof value === 'boolean' ? value : undefined;
    case 'timestamp':
    case 'date': {
      if (typeof value !== 'string') return undefined;
      const t = parseTime(value);
      if (t?.kind === 'instant') return t.at;
      // A plain date is midnight UTC, as date literals in rules are.
      return t?.kind === 'local' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? t.wallClock : undefined;
    }
  }
}

function article(type: string): string {
  return type === 'integer' || type === 'email' || type === 'id' ? `an ${type}` : `a ${type}`;
}

function hint(field: FieldDef): string | undefined {
  if (field.type === 'timestamp' || field.type === 'date')
    return 'write an instant such as 2026-01-01T10:00Z, or a date such as 2026-01-01';
  if (field.type === 'boolean') return 'write true or false (without quotes)';
  return undefined;
}
