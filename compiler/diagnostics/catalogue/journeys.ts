import type { CodeEntry } from './types.ts';

/** Codes HL36x,HL43x. */
export const journeysCodes: CodeEntry[] = [];
