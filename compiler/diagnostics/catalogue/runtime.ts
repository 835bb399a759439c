import type { CodeEntry } from './types.ts';

/** Codes HL5xx. */
export const runtimeCodes: CodeEntry[] = [];
