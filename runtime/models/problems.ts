import { EXIT_ERRORS, HeraldError } from '../../compiler/contract/errors.ts';

/**
 * A finding of a training or scoring run. Codes are in the diagnostics catalogue (HL570–HL589);
 * the CLI prints them like any diagnostic. Messages never contain customer data.
 */
export interface ModelProblem {
  code: string;
  severity: 'error' | 'warning' | 'info';
  model: string;
  message: string;
  help?: string;
}

/** A run that cannot go on: carries the problem that says why. */
export class ModelError extends HeraldError {
  constructor(readonly problem: ModelProblem) {
    super(problem.message, EXIT_ERRORS, { code: problem.code, ...(problem.help ? { help: problem.help } : {}) });
  }
}

export function fail(model: string, code: string, message: string, help?: string): never {
  throw new ModelError({ code, severity: 'error', model, message, ...(help ? { help } : {}) });
}

export function problem(model: string, code: string, severity: ModelProblem['severity'], message: string, help?: string): ModelProblem {
  return { code, severity, model, message, ...(help ? { help } : {}) };
}
