import type { LoadedDocument } from '../1-load/parse-file.ts';
import { rangeOfPath } from '../1-load/positions.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import { diagnostic } from '../diagnostics/make.ts';
import { suggest } from '../diagnostics/suggest.ts';
import { KINDS, type Kind, type Metadata } from '../contract/definition.ts';
import type { Definition } from '../1-load/definition.ts';
import { API_VERSIONS } from '../contract/version.ts';
import { schemaProblems } from './collapse.ts';
import type { Problem, ValuePath } from './problems.ts';
import { ENVELOPE_ID, kindSchemaId, type Schemas } from './schema-ids.ts';
import { problemToDiagnostic } from './to-diagnostic.ts';

export interface DocumentResult {
  definition?: Definition;
  diagnostics: Diagnostic[];
  /**
   * For a document with errors whose kind and spec are readable: where its errors are (the value
   * path of each problem, down to the key it names). A later step that needs only part of the
   * document (the Workspace's data model) uses that part when no error touches it.
   */
  partial?: { definition: Definition; errorPaths: ValuePath[] };
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
export function validateDocument(doc: LoadedDocument, registry: Schemas): DocumentResult {
  const file = doc.file.path;
  const value = doc.value;
  if (!isPlainObject(value)) {
    return {
      diagnostics: [
        diagnostic(
          'HL212',
          { document: doc.index + 1, file, value },
          {
            file,
            range: rangeOfPath(doc, []),
          },
        ),
      ],
    };
  }
  const diagnostics: Diagnostic[] = [];
  const errorPaths: ValuePath[] = [];
  const envelope = registry.validator(ENVELOPE_ID);
  if (envelope instanceof Error) {
    return { diagnostics: [diagnostic('HL219', { schema: envelope.message }, { file, range: rangeOfPath(doc, []) })] };
  }
  for (const problem of schemaProblems(registry, envelope, value, [])) {
    diagnostics.push(envelopeDiagnostic(problem, doc));
    errorPaths.push(problemPath(problem));
  }

  const kind = value.kind;
  const apiVersionUsable = value.apiVersion === undefined || (API_VERSIONS as readonly unknown[]).includes(value.apiVersion);
  // A document of an unknown version may follow other rules: checking its spec would only add noise.
  if (isKind(kind) && apiVersionUsable && isPlainObject(value.spec)) {
    const spec = registry.validator(kindSchemaId(kind));
    if (spec instanceof Error) {
      diagnostics.push(diagnostic('HL219', { kind, schema: spec.message }, { file, range: rangeOfPath(doc, ['kind']) }));
      errorPaths.push([]);
    } else {
      for (const problem of schemaProblems(registry, spec, value.spec, ['spec'])) {
        diagnostics.push(problemToDiagnostic(problem, doc));
        errorPaths.push(problemPath(problem));
      }
    }
  }
  const unique = dedupe(diagnostics);
  if (!isKind(kind)) return { diagnostics: unique };
  const metadata = (isPlainObject(value.metadata) ? value.metadata : {}) as unknown as Metadata;
  const definition: Definition = {
    apiVersion: String(value.apiVersion),
    kind,
    name: metadata.name,
    metadata,
    spec: value.spec as Record<string, unknown>,
    doc,
  };
  if (unique.some((d) => d.severity === 'error')) {
    // The spec was checked only when it is a mapping of a known version; otherwise nothing in it can be trusted.
    const specChecked = apiVersionUsable && isPlainObject(value.spec);
    return { diagnostics: unique, ...(specChecked ? { partial: { definition, errorPaths } } : {}) };
  }
  return { definition, diagnostics: unique };
}

/** The value path a problem is about, down to the key it names (a missing, unknown or dependent key). */
function problemPath(problem: Problem): ValuePath {
  if (problem.kind === 'required') return [...problem.path, problem.missing];
  if (problem.kind === 'unknown-key') return [...problem.path, problem.key];
  if (problem.kind === 'property-name') return [...problem.path, problem.name];
  if (problem.kind === 'dependency') return [...problem.path, problem.property];
  return problem.path;
}

/** The envelope's own codes for its top-level keys; everything else is worded generically. */
function envelopeDiagnostic(problem: Problem, doc: LoadedDocument): Diagnostic {
  const file = doc.file.path;
  const top = problem.path.length === 0;
  const field = problem.path.length === 1 ? problem.path[0] : undefined;
  if (top && problem.kind === 'required' && problem.missing === 'apiVersion') {
    return diagnostic(
      'HL201',
      {},
      { file, range: rangeOfPath(doc, [], { key: true }), help: `add \`apiVersion: ${API_VERSIONS[0]}\` at the top of the document` },
    );
  }
  if (top && problem.kind === 'required' && problem.missing === 'kind') {
    return diagnostic(
      'HL203',
      {},
      { file, range: rangeOfPath(doc, [], { key: true }), help: `add \`kind:\` with one of ${KINDS.join(', ')}` },
    );
  }
  if (field === 'apiVersion' && problem.kind !== 'required') {
    const written = (doc.value as Record<string, unknown>).apiVersion;
    const hint = typeof written === 'string' ? suggest(written, API_VERSIONS) : undefined;
    return diagnostic(
      'HL202',
      { written, supported: API_VERSIONS },
      {
        file,
        range: rangeOfPath(doc, ['apiVersion']),
        help: hint ? `did you mean "${hint}"?` : `use \`apiVersion: ${API_VERSIONS[API_VERSIONS.length - 1]}\``,
      },
    );
  }
  if (field === 'kind' && problem.kind !== 'required') {
    const written = (doc.value as Record<string, unknown>).kind;
    const hint = typeof written === 'string' ? suggest(written, KINDS) : undefined;
    return diagnostic(
      'HL204',
      { written },
      {
        file,
        range: rangeOfPath(doc, ['kind']),
        ...(hint ? { help: `did you mean "${hint}"?` } : {}),
        notes: [`the kinds are ${KINDS.join(', ')}`],
      },
    );
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
