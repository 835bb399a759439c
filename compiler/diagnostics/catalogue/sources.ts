import type { CodeEntry } from './types.ts';

/** Codes HL38x. */
export const sourcesCodes: CodeEntry[] = [];
