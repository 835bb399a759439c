import type { Kind } from '../../contract/definition.ts';
import type { KindEmitter } from '../context.ts';
import { emitWorkspace } from './workspace.ts';
import { emitSource } from './source.ts';
import { emitTrait } from './trait.ts';
import { emitSegment } from './segment.ts';
import { emitModel } from './model.ts';
import { emitTemplate } from './template.ts';
import { emitJourney } from './journey.ts';
import { emitCampaign } from './campaign.ts';
import { emitTest } from './test.ts';

export const kindEmitters: Readonly<Record<Kind, KindEmitter>> = {
  Workspace: emitWorkspace,
  Source: emitSource,
  Trait: emitTrait,
  Segment: emitSegment,
  Model: emitModel,
  Template: emitTemplate,
  Journey: emitJourney,
  Campaign: emitCampaign,
  Test: emitTest,
};
