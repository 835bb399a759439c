import type { CodeEntry } from './types.ts';

/** Codes HL35x,HL42x. */
export const templatesCodes: CodeEntry[] = [];
