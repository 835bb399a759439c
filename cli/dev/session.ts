import { isRefused, readWorkspaceText } from '../../compiler/files/workspace-files.ts';
import { IncrementalCompiler, type BuildStats } from '../../compiler/incremental/index.ts';
import { hasErrors, type Diagnostic } from '../../compiler/diagnostics/diagnostic.ts';
import { diagnostic } from '../../compiler/diagnostics/make.ts';
import type { DefinitionKey, Manifest } from '../../compiler/contract/manifest.ts';

/** One rebuild as the preview site shows it. */
export interface DevBuild {
  /** 1 for the first build, then one more per rebuild. */
  id: number;
  /** No errors: the preview shows this build's manifest. */
  ok: boolean;
  diagnostics: Diagnostic[];
  /** File texts for code frames, by workspace-relative path. */
  sources: ReadonlyMap<string, string>;
  /** Definitions whose content or compiled output differ from the previous good build (all on the first). */
  changed: DefinitionKey[];
  /** Definitions removed since the previous good build. */
  removed: DefinitionKey[];
  stats?: BuildStats;
  /** Milliseconds the build took. */
  ms: number;
  /** The workspace paths whose change started it (empty for the first build). */
  cause: string[];
}

export type BuildListener = (build: DevBuild) => void;

/**
 * The state of one `herald dev` run: an incremental compiler for the workspace, the latest build,
 * and the last good manifest, which the preview keeps showing while the workspace has errors. A
 * rebuild never throws: a crash of the compiler becomes an HL563 diagnostic in the overlay.
 */
export class DevSession {
  readonly compiler: IncrementalCompiler;
  private latest: DevBuild | undefined;
  private good: { manifest: Manifest; buildId: number } | undefined;
  private readonly listeners = new Set<BuildListener>();

  constructor(readonly root: string) {
    this.compiler = new IncrementalCompiler(root);
  }

  /** The latest build (the first is made by the first `rebuild`). */
  get current(): DevBuild {
    if (!this.latest) throw new Error('internal: the dev session has not built yet');
    return this.latest;
  }

  /** The manifest the preview shows: the latest good build's, if there was one. */
  get manifest(): Manifest | undefined {
    return this.good?.manifest;
  }

  /** The id of the build whose manifest is shown. */
  get manifestBuildId(): number | undefined {
    return this.good?.buildId;
  }

  onBuild(listener: BuildListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  rebuild(cause: string[]): DevBuild {
    const id = (this.latest?.id ?? 0) + 1;
    const started = performance.now();
    let build: DevBuild;
    try {
      const result = this.compiler.build();
      const ok = !hasErrors(result.diagnostics) && result.emitted !== undefined;
      const sources = new Map(result.loaded.files.map((f) => [f.path, f.text]));
      build = {
        id,
        ok,
        diagnostics: result.diagnostics,
        sources: withReferencedFiles(sources, result.diagnostics, this.root),
        changed: [],
        removed: [],
        stats: result.stats,
        ms: 0,
        cause,
      };
      if (ok) {
        const manifest = result.emitted!.manifest;
        const diff = changes(this.good?.manifest, manifest);
        build.changed = diff.changed;
        build.removed = diff.removed;
        this.good = { manifest, buildId: id };
      }
    } catch (e) {
      const error = e as Error;
      build = {
        id,
        ok: false,
        diagnostics: [diagnostic('HL563', { error: error.message }, { notes: [error.stack ?? String(e)] })],
        sources: new Map(),
        changed: [],
        removed: [],
        ms: 0,
        cause,
      };
    }
    build.ms = performance.now() - started;
    this.latest = build;
    for (const listener of this.listeners) listener(build);
    return build;
  }
}

/** What differs between two manifests, by content hash and compiled hash. */
function changes(before: Manifest | undefined, after: Manifest): { changed: DefinitionKey[]; removed: DefinitionKey[] } {
  const changed: DefinitionKey[] = [];
  for (const [key, def] of Object.entries(after.definitions) as Array<[DefinitionKey, Manifest['definitions'][DefinitionKey]]>) {
    const old = before?.definitions[key];
    if (!old || old.hash !== def.hash || old.compiledHash !== def.compiledHash) changed.push(key);
  }
  const removed = before ? (Object.keys(before.definitions) as DefinitionKey[]).filter((k) => !(k in after.definitions)) : [];
  return { changed, removed };
}

/** Diagnostics may point into MJML layouts and partials, which phase 1 does not load: read those for code frames. */
function withReferencedFiles(sources: Map<string, string>, diagnostics: readonly Diagnostic[], root: string): Map<string, string> {
  for (const d of diagnostics) {
    if (!d.file || sources.has(d.file)) continue;
    // Through the workspace reader: a diagnostic about a link to /proc/self/environ must not print its content.
    const read = readWorkspaceText(root, d.file);
    if (!isRefused(read)) sources.set(d.file, read.value);
  }
  return sources;
}
