import type { CodeEntry } from './types.ts';

/** Codes HL20x-HL29x. */
export const validateCodes: CodeEntry[] = [];
