import type { CodeEntry } from './types.ts';

/** Codes HL5xx. */
export const runtimeCodes: CodeEntry[] = [];

/**
 * Messages of the runtime's codes (journeys, delivery): in the contract, where the runtime can reach
 * them; their explanations are in the area files (journeys.ts, delivery.ts).
 */
export { runtimeMessages } from '../../contract/messages/runtime.ts';
