import type { Kind } from '../../contract/definition.ts';
import type { KindAnalyzer } from '../context.ts';
import { analyzeWorkspace } from './workspace.ts';
import { analyzeSource } from './source.ts';
import { analyzeTrait } from './trait.ts';
import { analyzeSegment } from './segment.ts';
import { analyzeModel } from './model.ts';
import { analyzeTemplate } from './template.ts';
import { analyzeJourney } from './journey.ts';
import { analyzeCampaign } from './campaign.ts';
import { analyzeTest } from './test.ts';

/**
 * Kind analyzers, in the order they run: a kind may read facts of kinds before it (segments read
 * traits' types, journeys read templates' variables), never after.
 */
export const kindAnalyzers: ReadonlyArray<readonly [Kind, KindAnalyzer]> = [
  ['Workspace', analyzeWorkspace],
  ['Source', analyzeSource],
  ['Trait', analyzeTrait],
  ['Model', analyzeModel],
  ['Segment', analyzeSegment],
  ['Template', analyzeTemplate],
  ['Journey', analyzeJourney],
  ['Campaign', analyzeCampaign],
  ['Test', analyzeTest],
];
