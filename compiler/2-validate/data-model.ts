import type { LoadedDocument } from '../1-load/parse-file.ts';
import { rangeOfPath } from '../1-load/positions.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import { diagnostic } from '../diagnostics/make.ts';
import {
  BUILTIN_CUSTOMER_FIELDS,
  BUILTIN_EVENT_FIELDS,
  BUILTIN_ITEM_FIELDS,
  type DataModel,
  type FieldDef,
  type FieldType,
} from '../contract/data-model.ts';
import { EMAIL_EVENT_TYPES } from '../contract/email-events.ts';
import { nameTable } from '../contract/core/own.ts';

/** A field as written in herald.yaml: the shorthand `country: string` or the full `{ type, pii, description }`. */
type WrittenField = string | { type: string; pii?: boolean; description?: string };

interface WorkspaceSpec {
  customers?: { fields?: Record<string, WrittenField>; merge_by_email?: boolean };
  events?: Record<string, Record<string, WrittenField> | null>;
  items?: { fields?: Record<string, WrittenField> };
}

export interface NormalizedModel {
  dataModel: DataModel;
  diagnostics: Diagnostic[];
}

/**
 * The Workspace spec's data model, normalized (every shorthand expanded). Runs on a spec that passed
 * its schema, so shapes are known; what the schema cannot say (a field that redefines a built-in
 * one) is reported here.
 */
export function normalizeDataModel(spec: Record<string, unknown>, doc: LoadedDocument): NormalizedModel {
  const s = spec as WorkspaceSpec;
  const diagnostics: Diagnostic[] = [];
  const fields = (
    written: Record<string, WrittenField> | null | undefined,
    builtins: Record<string, FieldDef>,
    path: string[],
    what: string,
  ) => {
    const out = nameTable<FieldDef>();
    for (const [name, field] of Object.entries(written ?? {})) {
      if (Object.prototype.hasOwnProperty.call(builtins, name)) {
        diagnostics.push(
          diagnostic(
            'HL220',
            { name, what },
            {
              file: doc.file.path,
              range: rangeOfPath(doc, [...path, name], { key: true }),
              help: `remove it (every ${what} has ${Object.keys(builtins).join(', ')}) or give the field another name`,
            },
          ),
        );
        continue;
      }
      out[name] = expandField(field);
    }
    return out;
  };
  const events = nameTable<Record<string, FieldDef>>();
  for (const [name, props] of Object.entries(s.events ?? {})) {
    events[name] = fields(props, BUILTIN_EVENT_FIELDS, ['spec', 'events', name], 'event');
  }
  // Email engagement events exist in every workspace (delivery records and ingests them); a
  // workspace that declares one of the names itself keeps its own definition.
  for (const [name, props] of Object.entries(EMAIL_EVENT_TYPES)) {
    if (!Object.prototype.hasOwnProperty.call(events, name)) events[name] = structuredClone(props) as Record<string, FieldDef>;
  }
  const dataModel: DataModel = {
    customers: {
      fields: fields(s.customers?.fields, BUILTIN_CUSTOMER_FIELDS, ['spec', 'customers', 'fields'], 'customer'),
      mergeByEmail: s.customers?.merge_by_email ?? false,
    },
    events,
    items: { fields: fields(s.items?.fields, BUILTIN_ITEM_FIELDS, ['spec', 'items', 'fields'], 'item') },
  };
  return { dataModel, diagnostics };
}

function expandField(field: WrittenField): FieldDef {
  if (typeof field === 'string') return { type: field as FieldType };
  const out: FieldDef = { type: field.type as FieldType };
  if (field.pii !== undefined) out.pii = field.pii;
  if (field.description !== undefined) out.description = field.description;
  return out;
}
