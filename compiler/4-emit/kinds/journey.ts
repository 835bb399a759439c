import type { KindEmitter } from '../context.ts';
import { definitionKey } from '../../contract/definition.ts';
import type { CompiledJourney } from '../../contract/journey.ts';
import type { JourneyFacts } from '../../3-analyze/kinds/journey.ts';
import { prettyCanonicalJson } from '../canonical-json.ts';

/**
 * The compiled block of a Journey: its state machine (compiler/contract/journey.ts), as the analyzer
 * built it; also build/journeys/<name>.json for inspection.
 */
export const emitJourney: KindEmitter = (def, ctx): CompiledJourney | undefined => {
  const compiled = ctx.factsOf<JourneyFacts>(definitionKey('Journey', def.name))?.compiled;
  if (!compiled) return undefined;
  ctx.writeFile(`journeys/${def.name}.json`, prettyCanonicalJson(compiled));
  return compiled;
};
