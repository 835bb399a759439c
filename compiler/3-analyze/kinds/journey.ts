import type { KindAnalyzer } from '../context.ts';

/** Kind-specific checks for Journey definitions. */
export const analyzeJourney: KindAnalyzer = () => undefined;
