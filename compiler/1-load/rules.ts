import { isScalar } from 'yaml';
import type { Diagnostic, Range } from '../diagnostics/diagnostic.ts';
import { diag } from '../diagnostics/make.ts';
import type { Expr, Span } from '../contract/core/ast.ts';
import { KINDS, type Kind } from '../contract/definition.ts';
import { kindSpecSchema } from '../schema/files.ts';
import { findMarked } from '../schema/walk.ts';
import { parseRule, type RuleSyntaxError } from '../dsl/parse.ts';
import { isRuleScope, type RuleScope } from '../dsl/scope.ts';
import { scalarOffsets } from '../dsl/scalar-offsets.ts';
import type { LoadedDocument } from './parse-file.ts';
import { rangeAt } from './source-file.ts';

/**
 * A rule-DSL string found in a document, parsed. Which fields hold rules is marked in the kind's
 * JSON Schema with the `x-herald-rule` keyword, so the schemas stay the single source.
 */
export interface RuleSite {
  doc: LoadedDocument;
  /** Path of the string inside the document value, e.g. ['spec', 'where']. */
  path: Array<string | number>;
  /** The rule as the YAML parser produced it (quotes, escapes and folding resolved). */
  text: string;
  /** What the rule may name: the `x-herald-rule` keyword's value. */
  scope: RuleScope;
  /** The parsed rule; absent when it has syntax errors (those are in `errors` and reported). */
  ast?: Expr;
  errors: RuleSyntaxError[];
  /** File offsets of each character of `text` (start and end); see compiler/dsl/scalar-offsets.ts. */
  offsets: { starts: readonly number[]; ends: readonly number[]; exact: boolean };
}

export interface ParsedRules {
  rules: RuleSite[];
  diagnostics: Diagnostic[];
}

const KIND_SET: ReadonlySet<string> = new Set(KINDS);

/**
 * Finds and parses every rule string of every document whose `kind` is known (documents with an
 * unknown or missing kind are left to schema validation). Syntax errors become HL13x diagnostics
 * at the exact line:column in the YAML file.
 */
export function parseRules(documents: readonly LoadedDocument[]): ParsedRules {
  const result: ParsedRules = { rules: [], diagnostics: [] };
  for (const doc of documents) {
    for (const site of findRuleSites(doc)) {
      result.rules.push(site);
      for (const error of site.errors) {
        const details: Parameters<typeof diag>[2] = { file: doc.file.path, range: ruleRange(site, error.span) };
        if (error.help !== undefined) details.help = error.help;
        result.diagnostics.push(diag(error.code, error.message, details));
      }
    }
  }
  return result;
}

/** The rule sites of one document (no diagnostics): phase 3 uses it to find a definition's rules. */
export function findRuleSites(doc: LoadedDocument): RuleSite[] {
  const value = doc.value as { kind?: unknown; spec?: unknown } | null;
  if (typeof value !== 'object' || value === null || typeof value.kind !== 'string' || !KIND_SET.has(value.kind)) return [];
  if (value.spec === undefined) return [];
  let schema;
  try {
    schema = kindSpecSchema(value.kind as Kind);
  } catch {
    return [];
  }
  const sites: RuleSite[] = [];
  for (const marked of findMarked(schema, value.spec, 'x-herald-rule', ['spec'])) {
    if (typeof marked.value !== 'string' || !isRuleScope(marked.mark)) continue;
    sites.push(makeSite(doc, marked.path, marked.value, marked.mark));
  }
  return sites;
}

function makeSite(doc: LoadedDocument, path: Array<string | number>, text: string, scope: RuleScope): RuleSite {
  const node = doc.yaml.getIn(path, true);
  let offsets: RuleSite['offsets'];
  if (isScalar(node) && node.range) {
    offsets = scalarOffsets(doc.file.text, [node.range[0], node.range[1]], String(node.type ?? 'PLAIN'), text);
  } else {
    const at = doc.yaml.contents?.range?.[0] ?? 0;
    offsets = { starts: new Array<number>(text.length + 1).fill(at), ends: new Array<number>(text.length + 1).fill(at), exact: false };
  }
  const parsed = parseRule(text);
  const site: RuleSite = { doc, path, text, scope, errors: parsed.ok ? [] : parsed.errors, offsets };
  if (parsed.ok) site.ast = parsed.ast;
  return site;
}

/** The file range of a span of a rule: what every rule diagnostic (syntax or type) points at. */
export function ruleRange(site: RuleSite, span: Span): Range {
  const { starts, ends } = site.offsets;
  const last = starts.length - 1;
  const s = Math.max(0, Math.min(span.start, last));
  const e = Math.max(s, Math.min(span.end, last));
  const start = starts[s]!;
  const end = e > s ? ends[e - 1]! : start;
  return rangeAt(site.doc.file, start, end);
}
