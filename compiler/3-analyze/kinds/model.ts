import type { KindAnalyzer } from '../context.ts';

/** Kind-specific checks for Model definitions. */
export const analyzeModel: KindAnalyzer = () => undefined;
