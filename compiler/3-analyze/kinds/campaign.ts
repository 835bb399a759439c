import type { KindAnalyzer } from '../context.ts';

/** Kind-specific checks for Campaign definitions. */
export const analyzeCampaign: KindAnalyzer = () => undefined;
