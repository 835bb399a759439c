/**
 * Whether a send can fill in what its template reads (HL365): `journey.entry` (the entry event)
 * exists only for journeys that start on an event. Templates are analyzed before journeys and
 * campaigns, so their variables are known here.
 */
import type { AnalyzeContext, DocPath } from '../context.ts';
import type { TemplateFacts } from '../kinds/template.ts';
import { definitionKey } from '../../contract/definition.ts';
import type { Definition } from '../../1-load/definition.ts';
import { reportAt } from './report.ts';

/** What is sending: a journey (and how it starts) or a campaign. */
export type Sender = { kind: 'journey'; entry: 'event' | 'segment' | 'schedule' } | { kind: 'campaign' };

export function checkTemplateNeeds(ctx: AnalyzeContext, def: Definition, template: string, path: DocPath, sender: Sender): boolean {
  const facts = ctx.factsOf<TemplateFacts>(definitionKey('Template', template));
  if (!facts || (sender.kind === 'journey' && sender.entry === 'event')) return true;
  const read = facts.variables.find((v) => v === 'journey.entry' || v.startsWith('journey.entry.'));
  if (!read) return true;
  const what =
    sender.kind === 'campaign'
      ? `campaign "${def.name}" is a broadcast`
      : `journey "${def.name}" starts on ${sender.entry === 'segment' ? 'a segment entry' : 'a schedule'}`;
  reportAt(ctx, def, 'HL365', { template, what }, path, {
    help:
      sender.kind === 'campaign'
        ? 'send a template that does not read journey.entry'
        : 'use a template that does not read journey.entry, or start the journey on an event',
  });
  return false;
}

/** HL434 (warning) when a time of day is read in customers' zones but the data model has no `timezone` field. */
export function checkTimezoneField(ctx: AnalyzeContext, def: Definition, path: DocPath): void {
  if (customerTimezoneField(ctx) !== undefined) return;
  reportAt(ctx, def, 'HL434', {}, path, {
    help: 'add `timezone: string` under `customers.fields` in herald.yaml',
  });
}

/** The customer field holding each customer's IANA time zone: `timezone`, when it is a string field. */
export function customerTimezoneField(ctx: AnalyzeContext): string | undefined {
  const field = ctx.dataModel.customers.fields.timezone;
  return field && field.type === 'string' ? 'timezone' : undefined;
}
