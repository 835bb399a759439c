import type { KindAnalyzer } from '../context.ts';
import { BOOLEAN } from '../rules/types.ts';
import type { CompiledCampaign } from '../../contract/journey.ts';
import { reportAt } from '../journeys/report.ts';
import { checkJourneyRule } from '../journeys/rules.ts';
import { checkSplitWeights, checkVariantTargets, splitPlanning, type WrittenSplit } from '../journeys/split.ts';
import { checkTemplateNeeds, checkTimezoneField, customerTimezoneField } from '../journeys/template-needs.ts';
import { parseTime } from '../journeys/times.ts';
import { parseDuration } from '../../contract/core/durations.ts';
import { workspaceTimezone } from './journey.ts';
import { checkTopic } from '../topics.ts';

interface CampaignSpec {
  audience: string;
  when?: string;
  template?: string;
  split?: WrittenSplit;
  templates?: Record<string, string>;
  send_at: string;
  throttle?: { per_hour: number };
  quiet_hours?: 'delay' | 'skip';
  expires_after?: string;
  topic?: string;
}

/** What the Campaign emitter needs: the compiled broadcast, when the campaign has no errors. */
export interface CampaignFacts {
  compiled?: CompiledCampaign;
}

/**
 * Campaign checks: the send time is a real one, a split's weights add up and map every variant to
 * a template, and every template can be filled in by a broadcast (no journey entry). The audience
 * and templates are schema-marked references, resolved by the generic pass.
 */
export const analyzeCampaign: KindAnalyzer = (def, ctx): CampaignFacts => {
  const spec = def.spec as unknown as CampaignSpec;
  let ok = true;
  checkTopic(def, ctx);
  const sendAt = parseTime(spec.send_at);
  if (!sendAt) {
    ok = false;
    reportAt(ctx, def, 'HL430', { form: 'not-real-date', value: spec.send_at }, ['spec', 'send_at']);
  } else if (sendAt.kind === 'local' && sendAt.perCustomer) {
    checkTimezoneField(ctx, def, ['spec', 'send_at']);
  }
  const when =
    spec.when !== undefined ? checkJourneyRule(ctx, def, ['spec', 'when'], { expected: BOOLEAN, place: 'the campaign `when`' }) : undefined;
  if (when?.rule && !when.compiled) ok = false;

  const variants: CompiledCampaign['variants'] = [];
  const sender = { kind: 'campaign' as const };
  if (spec.template !== undefined) {
    variants.push({ name: 'default', weight: 100, template: spec.template });
    if (!checkTemplateNeeds(ctx, def, spec.template, ['spec', 'template'], sender)) ok = false;
  } else if (spec.split && spec.templates) {
    const holdout = spec.split.holdout ?? 0;
    if (!checkSplitWeights(ctx, def, spec.split.variants, holdout, ['spec', 'split'])) ok = false;
    if (!checkVariantTargets(ctx, def, Object.keys(spec.split.variants), spec.templates, ['spec', 'templates'], 'template')) ok = false;
    for (const name of Object.keys(spec.split.variants).sort()) {
      const template = spec.templates[name];
      if (template === undefined) continue;
      variants.push({ name, weight: spec.split.variants[name]!, template });
      if (!checkTemplateNeeds(ctx, def, template, ['spec', 'templates', name], sender)) ok = false;
    }
  }
  if (!ok || !sendAt) return {};
  const compiled: CompiledCampaign = {
    name: def.name,
    audience: spec.audience,
    variants,
    holdout: spec.split?.holdout ?? 0,
    sendAt,
    timezone: workspaceTimezone(ctx),
  };
  if (spec.split) {
    compiled.experiment = spec.split.name;
    const planning = splitPlanning(spec.split);
    if (planning) compiled.planning = planning;
  }
  if (when?.compiled) compiled.when = when.compiled;
  const zoneField = customerTimezoneField(ctx);
  if (zoneField !== undefined) compiled.timezoneField = zoneField;
  if (spec.throttle) compiled.throttlePerHour = spec.throttle.per_hour;
  if (spec.topic) compiled.topic = spec.topic;
  if (spec.quiet_hours) compiled.quietHours = spec.quiet_hours;
  const expires = spec.expires_after !== undefined ? parseDuration(spec.expires_after) : undefined;
  if (expires !== undefined) compiled.expiresAfterMs = expires;
  return { compiled };
};
