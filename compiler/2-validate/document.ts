import type { LoadedDocument } from '../1-load/parse-file.ts';
import { rangeOfPath } from '../1-load/positions.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import { diag } from '../diagnostics/make.ts';
import { suggest } from '../diagnostics/suggest.ts';
import { KINDS, type Kind, type Metadata } from '../contract/definition.ts';
import type { Definition } from '../1-load/definition.ts';
import { API_VERSIONS } from '../contract/version.ts';
import { schemaProblems } from './collapse.ts';
import type { Problem } from './problems.ts';
import { ENVELOPE_ID, kindSchemaId, type SchemaRegistry } from './schema-registry.ts';
import { problemToDiagnostic } from './to-diagnostic.ts';
import { describeValue, quote } from './wording.ts';

export interface DocumentResult {
  definition?: Definition;
  diagnostics: Diagnostic[];
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isKind(value: unknown): value is Kind {
  return typeof value === 'string' && (KINDS as readonly string[]).includes(value);
}

/**
 * Checks one document: the envelope first (its `kind` is the discriminator that picks the spec's
 * schema), then the spec against schemas/kinds/<kind>.schema.json. A document with any error is
 * dropped; the diagnostics say why.
 */
export function validateDocument(doc: LoadedDocument, registry: SchemaRegistry): DocumentResult {
  const file = doc.file.path;
  const value = doc.value;
  if (!isPlainObject(value)) {
    return {
      diagnostics: [
        diag('HL212', `document ${doc.index + 1} of ${file} is ${describeValue(value)}, not a mapping with apiVersion, kind, metadata and spec`, {
          file,
          range: rangeOfPath(doc, []),
        }),
      ],
    };
  }
  const diagnostics: Diagnostic[] = [];
  const envelope = registry.validator(ENVELOPE_ID);
  if (envelope instanceof Error) {
    return { diagnostics: [diag('HL219', `the envelope schema cannot be used: ${envelope.message}`, { file, range: rangeOfPath(doc, []) })] };
  }
  for (const problem of schemaProblems(registry, envelope, value, [])) diagnostics.push(envelopeDiagnostic(problem, doc));

  const kind = value.kind;
  const apiVersionUsable = value.apiVersion === undefined || (API_VERSIONS as readonly unknown[]).includes(value.apiVersion);
  // A document of an unknown version may follow other rules: checking its spec would only add noise.
  if (isKind(kind) && apiVersionUsable && isPlainObject(value.spec)) {
    const spec = registry.validator(kindSchemaId(kind));
    if (spec instanceof Error) {
      diagnostics.push(diag('HL219', `${kind} documents cannot be checked: ${spec.message}`, { file, range: rangeOfPath(doc, ['kind']) }));
    } else {
      for (const problem of schemaProblems(registry, spec, value.spec, ['spec'])) diagnostics.push(problemToDiagnostic(problem, doc));
    }
  }
  const unique = dedupe(diagnostics);
  if (unique.some((d) => d.severity === 'error') || !isKind(kind)) return { diagnostics: unique };
  const metadata = value.metadata as unknown as Metadata;
  return {
    definition: { apiVersion: String(value.apiVersion), kind, name: metadata.name, metadata, spec: value.spec as Record<string, unknown>, doc },
    diagnostics: unique,
  };
}

/** The envelope's own codes for its top-level keys; everything else is worded generically. */
function envelopeDiagnostic(problem: Problem, doc: LoadedDocument): Diagnostic {
  const file = doc.file.path;
  const top = problem.path.length === 0;
  const field = problem.path.length === 1 ? problem.path[0] : undefined;
  const supported = API_VERSIONS.join(', ');
  if (top && problem.kind === 'required' && problem.missing === 'apiVersion') {
    return diag('HL201', 'missing apiVersion', { file, range: rangeOfPath(doc, [], { key: true }), help: `add \`apiVersion: ${API_VERSIONS[0]}\` at the top of the document` });
  }
  if (top && problem.kind === 'required' && problem.missing === 'kind') {
    return diag('HL203', 'missing kind', { file, range: rangeOfPath(doc, [], { key: true }), help: `add \`kind:\` with one of ${KINDS.join(', ')}` });
  }
  if (field === 'apiVersion' && problem.kind !== 'required') {
    const written = (doc.value as Record<string, unknown>).apiVersion;
    const hint = typeof written === 'string' ? suggest(written, API_VERSIONS) : undefined;
    return diag('HL202', `unknown apiVersion ${quote(written)}; supported: ${supported}`, {
      file,
      range: rangeOfPath(doc, ['apiVersion']),
      help: hint ? `did you mean "${hint}"?` : `use \`apiVersion: ${API_VERSIONS[API_VERSIONS.length - 1]}\``,
    });
  }
  if (field === 'kind' && problem.kind !== 'required') {
    const written = (doc.value as Record<string, unknown>).kind;
    const hint = typeof written === 'string' ? suggest(written, KINDS) : undefined;
    return diag('HL204', `unknown kind ${quote(written)}`, {
      file,
      range: rangeOfPath(doc, ['kind']),
      ...(hint ? { help: `did you mean "${hint}"?` } : {}),
      notes: [`the kinds are ${KINDS.join(', ')}`],
    });
  }
  return problemToDiagnostic(problem, doc);
}

function dedupe(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.code}|${d.range?.start.offset}|${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
