/**
 * Test support for the rule DSL: documents from YAML text, the flagship data model, and a small
 * stand-in for phase 3's AnalyzeContext (the real one is tested with the analysis phase).
 */
import { parseText } from '../../compiler/1-load/parse-file.ts';
import type { LoadedDocument } from '../../compiler/1-load/parse-file.ts';
import { rangeAt } from '../../compiler/1-load/source-file.ts';
import type { Diagnostic } from '../../compiler/diagnostics/diagnostic.ts';
import { suggest } from '../../compiler/diagnostics/suggest.ts';
import type { AnalyzeContext } from '../../compiler/3-analyze/context.ts';
import type { DataModel } from '../../compiler/contract/data-model.ts';
import { definitionKey, type DefinitionKey, type Kind } from '../../compiler/contract/definition.ts';
import type { Definition } from '../../compiler/1-load/definition.ts';
import type { DiagnosticCode } from '../../compiler/contract/diagnostic.ts';

export const DATA_MODEL: DataModel = {
  customers: {
    mergeByEmail: false,
    fields: {
      email: { type: 'email', pii: true },
      first_name: { type: 'string', pii: true },
      country: { type: 'string' },
      signup_at: { type: 'timestamp' },
      timezone: { type: 'string' },
      email_consent: { type: 'boolean' },
      last_purchase_at: { type: 'timestamp' },
    },
  },
  events: {
    purchase: { invoice: { type: 'string' }, item_id: { type: 'string' }, quantity: { type: 'number' }, amount: { type: 'number' } },
    added_to_cart: { item_id: { type: 'string' }, price: { type: 'number' } },
    page_view: { item_id: { type: 'string' } },
  },
  items: { fields: { name: { type: 'string' }, category: { type: 'string' }, price: { type: 'number' } } },
};

export function documentsOf(text: string, path = 'defs.yaml'): LoadedDocument[] {
  const parsed = parseText(path, `/ws/${path}`, text);
  if (parsed.diagnostics.some((d) => d.severity === 'error')) throw new Error(`bad test YAML: ${JSON.stringify(parsed.diagnostics)}`);
  return parsed.documents;
}

/** Documents as definitions, without schema validation (the fixtures are schema-valid by construction). */
export function definitionsOf(documents: readonly LoadedDocument[]): Definition[] {
  return documents.map((doc) => {
    const v = doc.value as { apiVersion?: string; kind: Kind; metadata: { name: string }; spec: Record<string, unknown> };
    return { apiVersion: v.apiVersion ?? 'herald/v1', kind: v.kind, name: v.metadata.name, metadata: v.metadata, spec: v.spec ?? {}, doc };
  });
}

export interface FakeContext extends AnalyzeContext {
  diagnostics: Diagnostic[];
  /** Resolved and unresolved references, as `from -> Kind/name`. */
  edges: string[];
}

export function fakeContext(definitions: readonly Definition[], dataModel: DataModel = DATA_MODEL): FakeContext {
  const byKey = new Map<DefinitionKey, Definition>(definitions.map((d) => [definitionKey(d.kind, d.name), d]));
  const diagnostics: Diagnostic[] = [];
  const edges: string[] = [];
  const facts = new Map<DefinitionKey, unknown>();
  const rangeOf: AnalyzeContext['rangeOf'] = (def, path) => {
    const node = def.doc.yaml.getIn([...path], true) as { range?: [number, number, number] } | undefined;
    return node?.range ? rangeAt(def.doc.file, node.range[0], node.range[1]) : undefined;
  };
  return {
    dataModel,
    definitions: byKey,
    diagnostics,
    edges,
    byKind: (kind) => definitions.filter((d) => d.kind === kind),
    lookup: (kind, name) => byKey.get(definitionKey(kind, name)),
    report: (d) => diagnostics.push(d),
    reference(from, kind, name, at) {
      const target = byKey.get(definitionKey(kind, name));
      const range = Array.isArray(at) ? rangeOf(from, at) : (at as Diagnostic['range']);
      edges.push(`${from.kind}/${from.name} -> ${kind}/${name}${target ? '' : ' (unknown)'}`);
      if (!target) {
        const close = suggest(
          name,
          definitions.filter((d) => d.kind === kind).map((d) => d.name),
        );
        const d: Diagnostic = {
          code: 'REF' as DiagnosticCode,
          severity: 'error',
          message: `unknown ${kind} \`${name}\``,
          file: from.doc.file.path,
        };
        if (range) d.range = range;
        if (close) d.help = `did you mean \`${close}\`?`;
        diagnostics.push(d);
      }
      return target;
    },
    rangeOf,
    factsOf: <T>(key: DefinitionKey) => facts.get(key) as T | undefined,
  };
}

/** A diagnostic as fixtures record it: code, message, `line:col-line:col`, the underlined text, help. */
export function summarize(d: Diagnostic, text: string): Record<string, string> {
  const out: Record<string, string> = { code: d.code, message: d.message };
  if (d.range) {
    out.at = `${d.range.start.line}:${d.range.start.column}-${d.range.end.line}:${d.range.end.column}`;
    out.text = text.slice(d.range.start.offset, d.range.end.offset);
  }
  if (d.help) out.help = d.help;
  return out;
}
