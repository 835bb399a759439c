import type { KindEmitter } from '../context.ts';
import { definitionKey } from '../../contract/definition.ts';
import type { CompiledCampaign } from '../../contract/journey.ts';
import type { CampaignFacts } from '../../3-analyze/kinds/campaign.ts';

/** The compiled block of a Campaign: audience, variants and templates, send time, throttle. */
export const emitCampaign: KindEmitter = (def, ctx): CompiledCampaign | undefined =>
  ctx.factsOf<CampaignFacts>(definitionKey('Campaign', def.name))?.compiled;
