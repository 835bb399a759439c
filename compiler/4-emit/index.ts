import type { LoadResult } from '../1-load/index.ts';
import type { ValidateResult } from '../2-validate/index.ts';
import type { AnalyzeResult, SpecSchemaOf } from '../3-analyze/index.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { Manifest } from '../contract/manifest.ts';
import type { Kind } from '../contract/definition.ts';
import type { KindEmitter } from './context.ts';
import { prettyCanonicalJson } from './canonical-json.ts';
import { MANIFEST_FILE } from './build-files.ts';
import { buildManifest, type BuiltManifest } from './manifest.ts';
import type { ContentHash, ManifestDefinition } from '../contract/manifest.ts';
import type { Definition } from '../1-load/definition.ts';

export interface EmitResult {
  /** The manifest object (written as build/manifest.json). */
  manifest: Manifest;
  /** Every file of build/, by relative path (manifest.json included), sorted by path. */
  files: Map<string, string>;
  diagnostics: Diagnostic[];
}

export interface EmitOptions {
  /**
   * An instant to record as `metadata.generated_at` (ISO 8601). Absent by default so that builds
   * are byte-identical; the CLI sets it only from SOURCE_DATE_EPOCH. Never part of `generated_from`.
   */
  generatedAt?: string;
  /** Where kind spec schemas (and so their defaults) come from (default: schemas/kinds/). */
  specSchemaOf?: SpecSchemaOf;
  /** The kind emitters (default: kinds/index.ts); a kind missing here compiles to nothing. Tests pass their own. */
  kindEmitters?: Partial<Record<Kind, KindEmitter>>;
  /** What an incremental build (compiler/incremental) already knows about what it reuses. */
  reuse?: EmitReuse;
}

/**
 * Results an incremental build remembers from earlier builds. Each must return exactly what the
 * phase would compute itself.
 */
export interface EmitReuse {
  /** The normalized entry of a definition (spec with defaults, content hash); `compute` makes it. */
  normalized(def: Definition, compute: (def: Definition) => ManifestDefinition): ManifestDefinition;
  /** The content hash of a `compiled` block (hashJson). */
  compiledHash(compiled: unknown): ContentHash;
  /** Whether a `compiled` block is one already checked to be plain JSON when it was made. */
  checkedJson(compiled: unknown): boolean;
  /** The content hash of a build file (sha256). */
  fileHash(path: string, content: string): ContentHash;
}

/**
 * Phase 4 entry: runs every kind emitter (in dependency order) and assembles the manifest and the
 * other build files. Pure: no clock, no disk; the caller writes `files` to build/.
 */
export function emit(_loaded: LoadResult, validated: ValidateResult, analyzed: AnalyzeResult, options: EmitOptions = {}): EmitResult {
  const built = buildManifest(validated, analyzed, options);
  return { manifest: built.manifest, files: buildFileMap(built), diagnostics: built.diagnostics };
}

/** Every file of build/: manifest.json, then the kind emitters' files sorted by path. */
export function buildFileMap(built: Pick<BuiltManifest, 'manifest' | 'buildFiles'>): Map<string, string> {
  const files = new Map<string, string>();
  files.set(MANIFEST_FILE, prettyCanonicalJson(built.manifest));
  for (const path of [...built.buildFiles.keys()].sort()) files.set(path, built.buildFiles.get(path)!);
  return files;
}
