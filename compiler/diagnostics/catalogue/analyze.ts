import type { CodeEntry } from './types.ts';

/** Codes HL30x-HL31x. */
export const analyzeCodes: CodeEntry[] = [];
