import type { KindAnalyzer } from '../context.ts';

/** Kind-specific checks for Workspace definitions. */
export const analyzeWorkspace: KindAnalyzer = () => undefined;
