import { load, type LoadResult } from './1-load/index.ts';
import { validate, type ValidateResult } from './2-validate/index.ts';
import { analyze, type AnalyzeResult } from './3-analyze/index.ts';
import { emit, type EmitResult } from './4-emit/index.ts';
import { hasErrors, sortDiagnostics, type Diagnostic } from './diagnostics/diagnostic.ts';

export interface PipelineResult {
  loaded: LoadResult;
  validated?: ValidateResult;
  analyzed?: AnalyzeResult;
  emitted?: EmitResult;
  /** All diagnostics of the phases that ran, sorted by file and position. */
  diagnostics: Diagnostic[];
}

/**
 * Runs the compiler phases in order. Every error of a phase is reported, then the pipeline stops
 * at that phase boundary. `emit: false` is `validate` (load + validate + analyze).
 */
export function runPipeline(workspaceDir: string, options: { emit: boolean }): PipelineResult {
  const loaded = load(workspaceDir);
  const result: PipelineResult = { loaded, diagnostics: [...loaded.diagnostics] };
  const stop = () => hasErrors(result.diagnostics);
  if (stop()) return finish(result);
  result.validated = validate(loaded);
  result.diagnostics.push(...result.validated.diagnostics);
  if (stop()) return finish(result);
  result.analyzed = analyze(loaded, result.validated);
  result.diagnostics.push(...result.analyzed.diagnostics);
  if (stop() || !options.emit) return finish(result);
  result.emitted = emit(loaded, result.validated, result.analyzed);
  result.diagnostics.push(...result.emitted.diagnostics);
  return finish(result);
}

function finish(result: PipelineResult): PipelineResult {
  result.diagnostics = sortDiagnostics(result.diagnostics);
  return result;
}
