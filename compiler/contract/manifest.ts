/**
 * The manifest: build/manifest.json, the contract between the compiler and the runtime. The runtime
 * imports only these types (never compiler phases). Its JSON Schema is schemas/manifest.schema.json;
 * bump MANIFEST_VERSION (compiler/contract/version.ts) on any breaking change.
 *
 * The manifest is a pure function of the workspace's content: keys sorted, lists sorted, no clock.
 * Two compiles of the same workspace are byte-identical, and reformatting a YAML file (indentation,
 * key order, comments, flow or block style) changes nothing in it.
 */
import type { Kind, DefinitionKey } from './definition.ts';
import type { DataModel } from './data-model.ts';

export type { Kind, DefinitionKey } from './definition.ts';
export type { DataModel, FieldDef, FieldType } from './data-model.ts';

/** `sha256:` followed by 64 lowercase hex digits. */
export type ContentHash = `sha256:${string}`;

/** The header. Keys are snake_case here (as in DESIGN's contract); everything else is camelCase. */
export interface ManifestMetadata {
  herald_version: string;
  manifest_version: number;
  /** The Workspace's `metadata.name`. */
  workspace: string;
  /**
   * Hash of everything the build was made from, as normalized: every definition's hash, the data
   * model, and every other build file's content. Equal hashes mean equal builds.
   */
  generated_from: ContentHash;
  /**
   * Only when the build was asked to carry a time (the `SOURCE_DATE_EPOCH` convention of
   * reproducible builds, read by `herald compile`): never the wall clock, and not part of
   * `generated_from`.
   */
  generated_at?: string;
}

/** The definition's envelope metadata, as written. */
export interface ManifestDefinitionMetadata {
  name: string;
  description?: string;
  owner?: string;
  labels?: Record<string, string>;
}

/** One definition as compiled. `Compiled` is the kind emitter's block (see the kind's own types). */
export interface ManifestDefinition<Compiled = unknown> {
  kind: Kind;
  name: string;
  apiVersion: string;
  metadata: ManifestDefinitionMetadata;
  /** The spec normalized: schema defaults applied (keys are sorted when serialized). */
  spec: Record<string, unknown>;
  /** sha256 of the canonical JSON of {apiVersion, kind, metadata, spec} as normalized here. */
  hash: ContentHash;
  /** The workspace file it was read from (relative, forward slashes). */
  file: string;
  /** What this definition uses (sorted `Kind/name` keys). */
  dependsOn: DefinitionKey[];
  /** What uses this definition (sorted). */
  dependents: DefinitionKey[];
  /** The kind emitter's output; absent when the kind has nothing to compile. */
  compiled?: Compiled;
  /**
   * sha256 of the canonical JSON of `compiled` (with it, or absent). Changes when what the
   * definition compiles to changes even though its YAML did not: an edited `.mjml` file, or a
   * segment it includes that changed.
   */
  compiledHash?: ContentHash;
}

export type { CompiledWorkspace } from './workspace-settings.ts';

export interface ManifestGraph {
  /** Every definition in dependency order: a definition comes after everything it uses. */
  order: DefinitionKey[];
  /** `[from, to]`: `from` uses `to`; sorted. */
  edges: Array<[DefinitionKey, DefinitionKey]>;
}

export interface Manifest {
  metadata: ManifestMetadata;
  /** The workspace's data model, normalized (field shorthands expanded). */
  dataModel: DataModel;
  /** Every definition by `Kind/name`. */
  definitions: Record<DefinitionKey, ManifestDefinition>;
  graph: ManifestGraph;
  /** Every other file of the build (relative path → sha256 of its content), e.g. `sql/sqlite/segments/vip.sql`. */
  files: Record<string, ContentHash>;
}
