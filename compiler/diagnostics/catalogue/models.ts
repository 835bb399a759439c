import type { CodeEntry } from './types.ts';

/** Codes HL37x,HL44x. */
export const modelsCodes: CodeEntry[] = [];
