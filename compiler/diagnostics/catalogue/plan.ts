import type { CodeEntry } from './types.ts';

/** Codes HL39x,HL45x. */
export const planCodes: CodeEntry[] = [];
