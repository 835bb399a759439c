import type { KindAnalyzer } from '../context.ts';

/** Kind-specific checks for Segment definitions. */
export const analyzeSegment: KindAnalyzer = () => undefined;
