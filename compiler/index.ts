import { load, type LoadResult } from './1-load/index.ts';
import { validate, type ValidateResult } from './2-validate/index.ts';
import { analyze, type AnalyzeOptions, type AnalyzeResult } from './3-analyze/index.ts';
import { emit, type EmitOptions, type EmitResult } from './4-emit/index.ts';
import { hasErrors, sortDiagnostics, type Diagnostic } from './diagnostics/diagnostic.ts';
import { append } from './util/append.ts';

export interface PipelineResult {
  loaded: LoadResult;
  validated?: ValidateResult;
  analyzed?: AnalyzeResult;
  /** Present only when emitting was asked for and no phase reported an error. */
  emitted?: EmitResult;
  /** All diagnostics of the phases that ran, sorted by file and position. */
  diagnostics: Diagnostic[];
}

export interface PipelineOptions extends EmitOptions {
  /** `false` is `validate` (load + validate + analyze); `true` also emits the build. */
  emit: boolean;
}

/**
 * The phase entries runPipeline calls, in order. An incremental build (compiler/incremental) passes
 * versions that reuse earlier results; each must return exactly what the phase itself would.
 */
export interface PipelinePhases {
  load(workspaceDir: string): LoadResult;
  validate(loaded: LoadResult): ValidateResult;
  analyze(loaded: LoadResult, validated: ValidateResult, options: AnalyzeOptions): AnalyzeResult;
  emit(loaded: LoadResult, validated: ValidateResult, analyzed: AnalyzeResult, options: EmitOptions): EmitResult;
}

export const PHASES: Readonly<PipelinePhases> = {
  load: (dir) => load(dir),
  validate: (loaded) => validate(loaded),
  analyze,
  emit,
};

/** Load diagnostics after which there is nothing to go on: no workspace folder, no herald.yaml. */
const FATAL_LOAD_CODES = new Set(['HL101', 'HL102']);

/**
 * Runs the compiler phases in order. Each phase works on what the previous one got right:
 * validate checks every document that loaded, analyze every definition that validated (a
 * reference to a definition with errors of its own is not reported again), so a workspace with
 * mistakes in several phases reports them all in one run. Emit runs only when no phase reported
 * an error: a build is never made from a broken workspace.
 */
export function runPipeline(workspaceDir: string, options: PipelineOptions, phases: PipelinePhases = PHASES): PipelineResult {
  const loaded = phases.load(workspaceDir);
  const result: PipelineResult = { loaded, diagnostics: [...loaded.diagnostics] };
  if (loaded.diagnostics.some((d) => FATAL_LOAD_CODES.has(d.code))) return finish(result);
  result.validated = phases.validate(loaded);
  append(result.diagnostics, result.validated.diagnostics);
  result.analyzed = phases.analyze(loaded, result.validated, { earlierDiagnostics: loaded.diagnostics });
  append(result.diagnostics, result.analyzed.diagnostics);
  if (!options.emit || hasErrors(result.diagnostics)) return finish(result);
  result.emitted = phases.emit(loaded, result.validated, result.analyzed, options);
  append(result.diagnostics, result.emitted.diagnostics);
  if (hasErrors(result.emitted.diagnostics)) delete result.emitted;
  return finish(result);
}

function finish(result: PipelineResult): PipelineResult {
  result.diagnostics = sortDiagnostics(result.diagnostics);
  return result;
}
