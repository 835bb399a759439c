import { lineRange, type Diagnostic, type DiagnosticCode } from '../../compiler/contract/diagnostic.ts';
import { EXIT_ERRORS, HeraldError } from '../../compiler/contract/errors.ts';

/**
 * Findings of a delivery run or an engagement import, with codes from the diagnostics catalogue
 * (HL530–HL549, compiler/diagnostics/catalogue/delivery.ts). Messages never contain personal
 * data: they name sends by idempotency key, templates and journeys by name, and counts. They are
 * diagnostics (an engagement file's line is the `file` and `range`), printed by the one printer.
 */
export interface DeliveryProblem extends Diagnostic {
  /** `file:line` for engagement imports (also given as `file` and `range`; JSON output keeps it). */
  where?: string;
}

/** A problem at a place in an imported file (`label:line`, or the file as a whole). */
export function problemAt(where: string | undefined, problem: Omit<DeliveryProblem, 'where' | 'file' | 'range'>): DeliveryProblem {
  if (where === undefined) return problem;
  const line = /^(.*):(\d+)$/.exec(where);
  return line ? { ...problem, where, file: line[1]!, range: lineRange(Number(line[2])) } : { ...problem, where, file: where };
}

export const DELIVERY_CODES = {
  /** The delivery settings cannot be used at run time (an environment variable is missing). */
  settings: 'HL530',
  permanentFailure: 'HL531',
  gaveUp: 'HL532',
  missingTemplate: 'HL533',
  recovered: 'HL534',
  claimLost: 'HL535',
  renderFailed: 'HL536',
  badEngagementLine: 'HL537',
  unknownMessage: 'HL538',
  smallSample: 'HL539',
} as const satisfies Record<string, DiagnosticCode>;

/** A run that cannot start: carries the problem that says why (the CLI prints it, exit 1). */
export class DeliveryError extends HeraldError {
  constructor(readonly problem: DeliveryProblem) {
    super(problem.message, EXIT_ERRORS, { code: problem.code, ...(problem.help ? { help: problem.help } : {}) });
  }
}
