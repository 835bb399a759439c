import type { CodeEntry } from './types.ts';

/** Codes HL40x-HL41x. */
export const emitCodes: CodeEntry[] = [];
