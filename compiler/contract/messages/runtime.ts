import { deliveryRunMessages } from './delivery-run.ts';
import { journeyRunMessages } from './journeys-run.ts';
import { modelRunMessages } from './models-run.ts';

/**
 * The message functions of the runtime's codes (HL5xx: journeys, delivery, models), by code. They live in the contract, the
 * only part of the compiler the runtime may import; the catalogue re-exports them, so there is
 * still one catalogue (compiler/diagnostics/catalogue/runtime.ts).
 */
export const runtimeMessages = { ...journeyRunMessages, ...deliveryRunMessages, ...modelRunMessages };
