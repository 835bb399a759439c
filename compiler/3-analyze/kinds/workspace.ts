import type { KindAnalyzer } from '../context.ts';
import { analyzeDeliverySettings } from '../delivery-settings.ts';

/** Kind-specific checks for Workspace definitions. */
export const analyzeWorkspace: KindAnalyzer = (def, ctx) => analyzeDeliverySettings(def, ctx);
