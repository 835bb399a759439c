import type { KindAnalyzer } from '../context.ts';

/** Kind-specific checks for Trait definitions. */
export const analyzeTrait: KindAnalyzer = () => undefined;
