import type { Expr } from '../../contract/core/ast.ts';
import type { DataModel } from '../../contract/data-model.ts';
import type { KindEmitter } from '../context.ts';
import { definitionKey } from '../../contract/definition.ts';
import type { SourceFacts } from '../../3-analyze/kinds/source.ts';
import type { RuleBlock, SourceBlock } from '../../contract/source.ts';

interface SourceSpec {
  format?: 'csv' | 'jsonl';
  files: string | string[];
  csv?: { delimiter?: string; encoding?: 'utf8' | 'latin1'; header?: boolean; columns?: string[] };
  timezone?: string;
  timestamp_format?: string;
  reject_when?: string | Record<string, string>;
  customers?: Record<string, string>;
  events?: { type: string; customer_id: string; at: string; properties?: Record<string, string> };
  items?: Record<string, string>;
  event_id?: string;
  standardize?: Record<string, Record<string, string>>;
  monitor?: { window?: number; threshold?: number; min_history?: number };
}

/**
 * The compiled block of a Source: every setting explicit (defaults applied, the time zone
 * resolved from the workspace), every rule with its AST, and the source columns that feed
 * personal-data fields (the runtime masks them in the rejects table).
 */
export const emitSource: KindEmitter = (def, ctx) => {
  const spec = def.spec as unknown as SourceSpec;
  const facts = ctx.factsOf<SourceFacts>(definitionKey('Source', def.name)) ?? { rules: {} };
  const rule = (key: string, text: string): RuleBlock => {
    const parsed = facts.rules[key];
    return parsed && parsed.text === text ? { text, ast: parsed.ast } : { text };
  };
  const mapping = (prefix: string, block: Record<string, string> | undefined) =>
    block ? Object.fromEntries(Object.entries(block).map(([k, text]) => [k, rule(`${prefix}.${k}`, text)])) : undefined;

  const workspace = [...ctx.definitions.values()].find((d) => d.kind === 'Workspace');
  const workspaceZone = (workspace?.spec as { timezone?: string } | undefined)?.timezone;
  const rejectWhen =
    spec.reject_when === undefined
      ? []
      : typeof spec.reject_when === 'string'
        ? [{ reason: 'reject_when', rule: rule('reject_when', spec.reject_when) }]
        : Object.entries(spec.reject_when).map(([reason, text]) => ({ reason, rule: rule(`reject_when.${reason}`, text) }));

  const standardize: Record<string, SourceBlock['standardize'][string]> = {};
  for (const [target, fields] of Object.entries(spec.standardize ?? {})) {
    for (const [field, how] of Object.entries(fields)) standardize[`${target}.${field}`] = how as SourceBlock['standardize'][string];
  }

  const block: SourceBlock = {
    name: def.name,
    format: spec.format ?? 'csv',
    files: Array.isArray(spec.files) ? spec.files : [spec.files],
    csv: {
      delimiter: spec.csv?.delimiter ?? ',',
      encoding: spec.csv?.encoding ?? 'utf8',
      header: spec.csv?.header ?? true,
      ...(spec.csv?.columns ? { columns: spec.csv.columns } : {}),
    },
    timezone: spec.timezone ?? workspaceZone ?? 'UTC',
    ...(spec.timestamp_format ? { timestampFormat: spec.timestamp_format } : {}),
    rejectWhen,
    ...(spec.customers ? { customers: mapping('customers', spec.customers) } : {}),
    ...(spec.events
      ? {
          events: {
            type: rule('events.type', spec.events.type),
            customer_id: rule('events.customer_id', spec.events.customer_id),
            at: rule('events.at', spec.events.at),
            properties: mapping('events.properties', spec.events.properties ?? {})!,
          },
        }
      : {}),
    ...(spec.items ? { items: mapping('items', spec.items) } : {}),
    ...(spec.event_id ? { eventId: rule('event_id', spec.event_id) } : {}),
    standardize,
    piiColumns: piiColumns(spec, facts, ctx.dataModel),
    monitor: {
      window: spec.monitor?.window ?? 28,
      threshold: spec.monitor?.threshold ?? 3.5,
      minHistory: spec.monitor?.min_history ?? 7,
    },
  };
  return block;
};

/** Source columns read by a mapping into a field marked pii. */
function piiColumns(spec: SourceSpec, facts: SourceFacts, model: DataModel): string[] {
  const keys: string[] = [];
  for (const [field, def] of Object.entries(model.customers.fields))
    if (def.pii && spec.customers?.[field] !== undefined) keys.push(`customers.${field}`);
  for (const [field, def] of Object.entries(model.items.fields))
    if (def.pii && spec.items?.[field] !== undefined) keys.push(`items.${field}`);
  for (const props of Object.values(model.events)) {
    for (const [prop, def] of Object.entries(props))
      if (def.pii && spec.events?.properties?.[prop] !== undefined) keys.push(`events.properties.${prop}`);
  }
  const columns = new Set<string>();
  for (const key of keys) {
    const ast = facts.rules[key]?.ast;
    if (ast) collectPaths(ast, columns);
  }
  return [...columns].sort();
}

function collectPaths(expr: Expr, out: Set<string>): void {
  if (expr.kind === 'path') {
    out.add(expr.segments.join('.'));
    return;
  }
  for (const value of Object.values(expr)) {
    if (Array.isArray(value)) for (const v of value) if (isExpr(v)) collectPaths(v, out);
    if (isExpr(value)) collectPaths(value, out);
  }
}

function isExpr(value: unknown): value is Expr {
  return typeof value === 'object' && value !== null && 'kind' in value && 'span' in value;
}
