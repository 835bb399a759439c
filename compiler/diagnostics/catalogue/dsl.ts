import type { CodeEntry } from './types.ts';

/** Codes HL13x-HL14x,HL32x-HL34x. */
export const dslCodes: CodeEntry[] = [];
