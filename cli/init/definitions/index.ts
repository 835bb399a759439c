import type { Kind } from '../../../compiler/contract/definition.ts';
import { newCampaign } from './campaign.ts';
import { newJourney } from './journey.ts';
import type { NewDefinition } from './kind.ts';
import { newModel } from './model.ts';
import { newSegment } from './segment.ts';
import { newSource } from './source.ts';
import { newTemplate } from './template.ts';
import { newTest } from './test.ts';
import { newTrait } from './trait.ts';

export type { NewDefinition } from './kind.ts';

/** Every kind `herald new` makes (the Workspace itself is `herald init`'s). */
export const NEW_DEFINITIONS: readonly NewDefinition[] = [
  newSegment,
  newTrait,
  newTemplate,
  newJourney,
  newCampaign,
  newTest,
  newSource,
  newModel,
];

/** A kind as typed: `segment`, `Segment` or `segments`. */
export function findNewDefinition(text: string): NewDefinition | undefined {
  const t = text.toLowerCase().replace(/s$/, '');
  return NEW_DEFINITIONS.find((d) => d.kind.toLowerCase() === t);
}

export function kindNames(): Kind[] {
  return NEW_DEFINITIONS.map((d) => d.kind);
}
