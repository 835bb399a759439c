import type { ValidateResult } from '../2-validate/index.ts';
import type { AnalyzeResult } from '../3-analyze/index.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import { diagnostic } from '../diagnostics/make.ts';
import { rangeOfPath } from '../1-load/positions.ts';
import { defaultSpecSchema, type SpecSchemaOf } from '../3-analyze/references.ts';
import type { DataModel } from '../contract/data-model.ts';
import { type DefinitionKey } from '../contract/definition.ts';
import type { Definition } from '../1-load/definition.ts';
import type { ContentHash, Manifest, ManifestDefinition, ManifestDefinitionMetadata } from '../contract/manifest.ts';
import { HERALD_VERSION, MANIFEST_VERSION } from '../contract/version.ts';
import { BuildFiles } from './build-files.ts';
import { firstNonJsonPath, hashJson, sha256, sortKeysDeep } from './canonical-json.ts';
import type { EmitContext, KindEmitter } from './context.ts';
import { kindEmitters } from './kinds/index.ts';
import { applyDefaults } from './normalize.ts';
import type { EmitOptions, EmitReuse } from './index.ts';

const EMPTY_MODEL: DataModel = { customers: { fields: {}, mergeByEmail: false }, events: {}, items: { fields: {} } };

export interface BuiltManifest {
  manifest: Manifest;
  buildFiles: Map<string, string>;
  diagnostics: Diagnostic[];
}

/** Runs the kind emitters in dependency order and assembles the manifest (see compiler/contract/manifest.ts). */
export function buildManifest(validated: ValidateResult, analyzed: AnalyzeResult, options: EmitOptions): BuiltManifest {
  const diagnostics: Diagnostic[] = [];
  const build = new BuildFiles(diagnostics);
  const dataModel = sortKeysDeep(validated.dataModel ?? EMPTY_MODEL) as DataModel;
  let current: { def: Definition; label: string } | undefined;
  const ctx: EmitContext = {
    dataModel,
    definitions: analyzed.definitions,
    factsOf: <T>(key: DefinitionKey) => analyzed.facts.get(key) as T | undefined,
    report: (d) => diagnostics.push(d),
    writeFile: (path, content) => {
      if (current) build.write(current.def, current.label, path, content);
    },
  };

  const specSchemaOf = options.specSchemaOf ?? defaultSpecSchema;
  const normalize = (def: Definition) => normalizedDefinition(def, specSchemaOf);
  const definitions: Record<DefinitionKey, ManifestDefinition> = {};
  // Per definition: its content hash and its compiled block's hash, the inputs of generated_from.
  const hashes: Array<[DefinitionKey, ContentHash, ContentHash | null]> = [];
  for (const key of analyzed.order) {
    const def = analyzed.definitions.get(key);
    if (!def) continue;
    const label = `${def.kind} ${def.name}`;
    current = { def, label };
    const entry = options.reuse ? options.reuse.normalized(def, normalize) : normalize(def);
    entry.dependsOn = [...(analyzed.dependencies.get(key) ?? [])];
    entry.dependents = [...(analyzed.dependents.get(key) ?? [])];
    const compiled = runEmitter((options.kindEmitters ?? kindEmitters)[def.kind], def, label, ctx, diagnostics, options.reuse);
    // Stored as returned: serialization sorts keys, so sorting here would be done twice.
    if (compiled !== undefined) {
      entry.compiled = compiled;
      entry.compiledHash = options.reuse ? options.reuse.compiledHash(compiled) : (hashJson(compiled) as ContentHash);
    }
    current = undefined;
    definitions[key] = entry;
    hashes.push([key, entry.hash, entry.compiledHash ?? null]);
  }

  const sortedKeys = Object.keys(definitions).sort() as DefinitionKey[];
  const sortedDefinitions = Object.fromEntries(sortedKeys.map((k) => [k, definitions[k]!])) as Record<DefinitionKey, ManifestDefinition>;
  const edges: Array<[DefinitionKey, DefinitionKey]> = [];
  for (const from of sortedKeys) for (const to of analyzed.dependencies.get(from) ?? []) edges.push([from, to]);
  const files: Record<string, ContentHash> = {};
  for (const path of [...build.files.keys()].sort()) {
    const content = build.files.get(path)!;
    files[path] = options.reuse ? options.reuse.fileHash(path, content) : (sha256(content) as ContentHash);
  }

  hashes.sort(([a], [b]) => (a < b ? -1 : 1));
  const generatedFrom = hashJson({ definitions: hashes, dataModel, files }) as ContentHash;
  const manifest: Manifest = {
    metadata: {
      herald_version: HERALD_VERSION,
      manifest_version: MANIFEST_VERSION,
      workspace: validated.workspace?.name ?? '',
      generated_from: generatedFrom,
      ...(options.generatedAt !== undefined ? { generated_at: options.generatedAt } : {}),
    },
    dataModel,
    definitions: sortedDefinitions,
    graph: { order: [...analyzed.order], edges },
    files,
  };
  return { manifest, buildFiles: build.files, diagnostics };
}

/** The definition with schema defaults applied, and its content hash. */
function normalizedDefinition(def: Definition, specSchemaOf: SpecSchemaOf): ManifestDefinition {
  const spec = applyDefaults(specSchemaOf(def.kind), def.spec) as Record<string, unknown>;
  const metadata = sortKeysDeep(def.metadata) as ManifestDefinitionMetadata;
  const sortedSpec = sortKeysDeep(spec) as Record<string, unknown>;
  // Every part is already key-sorted and the outer keys are written in sorted order, so plain
  // JSON.stringify is the canonical JSON here (one sort instead of two on the largest part).
  const hash = sha256(JSON.stringify({ apiVersion: def.apiVersion, kind: def.kind, metadata, spec: sortedSpec })) as ContentHash;
  return {
    kind: def.kind,
    name: def.name,
    apiVersion: def.apiVersion,
    metadata,
    spec: sortedSpec,
    hash,
    file: def.doc.file.path,
    dependsOn: [],
    dependents: [],
  };
}

/** One kind emitter, guarded: a crash or a non-JSON block becomes a diagnostic naming the definition. */
function runEmitter(
  emitter: KindEmitter | undefined,
  def: Definition,
  label: string,
  ctx: EmitContext,
  diagnostics: Diagnostic[],
  reuse?: EmitReuse,
): unknown {
  if (!emitter) return undefined;
  let compiled: unknown;
  try {
    compiled = emitter(def, ctx);
  } catch (e) {
    diagnostics.push(
      diagnostic('HL401', { label, error: (e as Error).message }, { ...problemAt(def), notes: [(e as Error).stack ?? String(e)] }),
    );
    return undefined;
  }
  if (compiled === undefined) return undefined;
  const bad = reuse?.checkedJson(compiled) ? undefined : firstNonJsonPath(compiled);
  if (bad) {
    diagnostics.push(diagnostic('HL404', { label, at: bad }, problemAt(def)));
    return undefined;
  }
  return compiled;
}

/** Where a problem with a definition's output is reported: its name. Worked out only when there is one. */
function problemAt(def: Definition): { file: string; range: ReturnType<typeof rangeOfPath> } {
  return { file: def.doc.file.path, range: rangeOfPath(def.doc, ['metadata', 'name']) };
}
