import type { KindAnalyzer } from '../context.ts';

/** Kind-specific checks for Source definitions. */
export const analyzeSource: KindAnalyzer = () => undefined;
