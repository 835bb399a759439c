import type { KindAnalyzer } from '../context.ts';

/** Kind-specific checks for Template definitions. */
export const analyzeTemplate: KindAnalyzer = () => undefined;
