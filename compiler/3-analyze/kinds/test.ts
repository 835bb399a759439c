import type { KindAnalyzer } from '../context.ts';

/** Kind-specific checks for Test definitions. */
export const analyzeTest: KindAnalyzer = () => undefined;
