/**
 * The workspace's data model (the `Workspace` spec's customers/events/items), normalized: every
 * field shorthand (`country: string`) expanded to a FieldDef. Rules are type-checked against it,
 * the SQL backend takes identifiers only from it, and the runtime creates columns from it.
 */
export const FIELD_TYPES = ['string', 'number', 'integer', 'boolean', 'timestamp', 'date', 'email', 'id'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export interface FieldDef {
  type: FieldType;
  /** Personal data: masked in plans, logs, errors and explain output unless asked. */
  pii?: boolean;
  description?: string;
}

export interface DataModel {
  customers: {
    fields: Record<string, FieldDef>;
    /** Customers are merged by id, and by normalized email when this is true. */
    mergeByEmail: boolean;
  };
  /** Event type → its properties. Every event also has `customer_id`, `type` and `at`. */
  events: Record<string, Record<string, FieldDef>>;
  items: { fields: Record<string, FieldDef> };
}

/** Built-in columns present whatever the workspace declares. */
export const BUILTIN_CUSTOMER_FIELDS: Record<string, FieldDef> = { id: { type: 'id' } };
export const BUILTIN_EVENT_FIELDS: Record<string, FieldDef> = {
  customer_id: { type: 'id' },
  type: { type: 'string' },
  at: { type: 'timestamp' },
};
export const BUILTIN_ITEM_FIELDS: Record<string, FieldDef> = { id: { type: 'id' } };

/** The customer field email is sent to: the configured one, else `email`, else the only field of type email. */
export function emailFieldOf(fields: DataModel['customers']['fields'], configured?: string): string | undefined {
  if (configured) return configured;
  if (fields.email) return 'email';
  const typed = Object.entries(fields).filter(([, f]) => f.type === 'email');
  return typed.length === 1 ? typed[0]![0] : undefined;
}
