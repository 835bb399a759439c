import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { load } from '../1-load/index.ts';
import { analyze } from '../3-analyze/index.ts';
import type { KindAnalyzer } from '../3-analyze/context.ts';
import { kindAnalyzers as defaultAnalyzers } from '../3-analyze/kinds/index.ts';
import { buildFileMap, type EmitResult } from '../4-emit/index.ts';
import type { KindEmitter } from '../4-emit/context.ts';
import { kindEmitters as defaultEmitters } from '../4-emit/kinds/index.ts';
import { buildManifest, type BuiltManifest } from '../4-emit/manifest.ts';
import { PHASES, runPipeline, type PipelinePhases, type PipelineResult } from '../index.ts';
import type { Kind } from '../contract/definition.ts';
import { memoizedAnalyzers, type AnalysisCache } from './analyze-memo.ts';
import { memoizedEmitters, type EmitCache } from './emit-memo.ts';
import { RememberedEmit } from './emit-reuse.ts';
import { FileCache } from './file-cache.ts';
import { FileSnapshot } from './files-read.ts';
import { emptyStats, type BuildStats } from './stats.ts';

export type { BuildStats } from './stats.ts';

export interface IncrementalOptions {
  /** Emit the build (default true); false stops after analyze, like `validate`. */
  emit?: boolean;
  /** As `generatedAt` of a full build. */
  generatedAt?: string;
  /** The kind analyzers and emitters (default: the compiler's own); tests pass their own. */
  kindAnalyzers?: ReadonlyArray<readonly [Kind, KindAnalyzer]>;
  kindEmitters?: Partial<Record<Kind, KindEmitter>>;
}

export interface IncrementalBuild extends PipelineResult {
  stats: BuildStats;
}

/**
 * A compiler that keeps what it computed between builds of one workspace, for `herald dev`.
 * Every build runs the ordinary pipeline (compiler/index.ts) with phases that reuse earlier work:
 * - load reuses the parse of every file whose bytes are unchanged (file-cache.ts);
 * - validate runs in full (it is cheap);
 * - analyze and emit run each kind analyzer and emitter only for definitions whose document
 *   changed or whose recorded reads of other definitions, facts, the data model or template files
 *   no longer hold (analyze-memo.ts, emit-memo.ts); the rest replay their recorded output. A
 *   result computed again that equals the previous one is handed on as that same object
 *   (deep-equal.ts), so what reads it is reused in turn;
 * - the manifest entries, content hashes and JSON checks of reused blocks are remembered
 *   (emit-reuse.ts), and build files (manifest.json above all) are serialized only when asked for.
 * A build's result equals a full build's (runPipeline) of the same files, byte for byte.
 */
export class IncrementalCompiler {
  readonly root: string;
  private readonly fileCache = new FileCache();
  private readonly analyses: AnalysisCache = new WeakMap();
  private readonly emits: EmitCache = new WeakMap();
  private readonly reuse = new RememberedEmit();

  constructor(
    workspaceDir: string,
    private readonly options: IncrementalOptions = {},
  ) {
    this.root = resolve(workspaceDir);
  }

  build(): IncrementalBuild {
    const started = performance.now();
    const stats = emptyStats();
    const seen = new Set<string>();
    const scope = { stats, files: new FileSnapshot(this.root) };
    const analyzers = memoizedAnalyzers(this.options.kindAnalyzers ?? defaultAnalyzers, this.analyses, scope);
    const emitters = memoizedEmitters(this.options.kindEmitters ?? defaultEmitters, this.emits, stats);
    const phases: PipelinePhases = {
      load: (dir) => load(dir, this.fileCache.hooks(stats, seen)),
      validate: PHASES.validate,
      analyze: (loaded, validated, options) => analyze(loaded, validated, { ...options, kindAnalyzers: analyzers }),
      emit: (_loaded, validated, analyzed, options) =>
        lazyFiles(buildManifest(validated, analyzed, { ...options, kindEmitters: emitters, reuse: this.reuse })),
    };
    const generatedAt = this.options.generatedAt;
    const result = runPipeline(
      this.root,
      { emit: this.options.emit ?? true, ...(generatedAt !== undefined ? { generatedAt } : {}) },
      phases,
    );
    this.fileCache.finish(seen);
    stats.recompiled = [...new Set(stats.recompiled)].sort();
    stats.ms = performance.now() - started;
    return { ...result, stats };
  }
}

/** An emit result whose `files` (manifest.json serialized above all) are made on first use. */
function lazyFiles(built: BuiltManifest): EmitResult {
  let files: Map<string, string> | undefined;
  return {
    manifest: built.manifest,
    diagnostics: built.diagnostics,
    get files() {
      return (files ??= buildFileMap(built));
    },
  };
}
