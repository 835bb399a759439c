import { EXIT_ERRORS, HeraldError } from '../../compiler/contract/errors.ts';

/**
 * Findings of a delivery run or an engagement import, with codes from the diagnostics catalogue
 * (HL530–HL549, compiler/diagnostics/catalogue/delivery.ts). Messages never contain personal
 * data: they name sends by idempotency key, templates and journeys by name, and counts.
 */
export interface DeliveryProblem {
  code: string;
  severity: 'error' | 'warning' | 'info';
  message: string;
  /** `file:line` for engagement imports. */
  where?: string;
  help?: string;
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
} as const;

/** A run that cannot start: carries the problem that says why (the CLI prints it, exit 1). */
export class DeliveryError extends HeraldError {
  constructor(readonly problem: DeliveryProblem) {
    super(problem.message, EXIT_ERRORS, { code: problem.code, ...(problem.help ? { help: problem.help } : {}) });
  }
}
