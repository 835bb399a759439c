import { EXIT_ERRORS, HeraldError } from '../../compiler/contract/errors.ts';

/**
 * A finding of a training or scoring run. Codes are in the diagnostics catalogue (HL570–HL589);
 * they are diagnostics, printed by the one printer. Messages never contain customer data.
 */
import type { Diagnostic, DiagnosticCode } from '../../compiler/contract/diagnostic.ts';

export interface ModelProblem extends Diagnostic {
  /** The model it concerns. */
  model: string;
}

/** A run that cannot go on: carries the problem that says why. */
export class ModelError extends HeraldError {
  constructor(readonly problem: ModelProblem) {
    super(problem.message, EXIT_ERRORS, { code: problem.code, ...(problem.help ? { help: problem.help } : {}) });
  }
}

export function fail(model: string, code: DiagnosticCode, message: string, help?: string): never {
  throw new ModelError({ code, severity: 'error', model, message, ...(help ? { help } : {}) });
}

export function problem(
  model: string,
  code: DiagnosticCode,
  severity: ModelProblem['severity'],
  message: string,
  help?: string,
): ModelProblem {
  return { code, severity, model, message, ...(help ? { help } : {}) };
}
