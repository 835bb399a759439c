import type { CodeEntry } from './types.ts';
import { loadCodes, loadMessages } from './load.ts';
import { dslCodes, dslAnalyzeMessages, ruleSyntaxMessages } from './dsl.ts';
import { schemaMessages, validateCodes } from './validate.ts';
import { analyzeCodes, analyzeMessages } from './analyze.ts';
import { templatesCodes, templatesAnalyzeMessages } from './templates.ts';
import { journeysCodes, journeysAnalyzeMessages } from './journeys.ts';
import { modelMessages, modelsCodes, modelsAnalyzeMessages, modelTrainMessages, modelUseMessages } from './models.ts';
import { sourcesCodes, sourcesAnalyzeMessages } from './sources.ts';
import { experimentPlanMessages, planCodes, planGitMessages, planNoteMessages, planRiskMessages } from './plan.ts';
import { emitCodes, emitMessages } from './emit.ts';
import { runtimeCodes, runtimeMessages } from './runtime.ts';
import { deliveryCodes, deliverySettingsMessages, deliveryAnalyzeMessages } from './delivery.ts';
import { devCodes, devMessages } from './dev.ts';
import { insightsCodes, insightsAnalyzeMessages } from './insights.ts';

export type { CodeEntry, MessageTable } from './types.ts';

/**
 * Every diagnostic code Herald can emit, with its long explanation. Code ranges per area:
 * HL10x–12x load, HL13x–14x rule DSL syntax, HL2xx schema validation, HL30x–31x names and graph (HL315–HL319 delivery settings),
 * HL32x–34x rule types, HL35x templates, HL36x journeys, HL37x models, HL38x sources, HL39x plan (HL396–HL397 report settings and experiment planning),
 * HL40x–41x emit, HL42x MJML, HL43x journey emit, HL44x model emit, HL45x plan emit, HL5xx runtime (HL530–HL549 delivery, HL56x `herald dev`).
 */
export const catalogue: ReadonlyMap<string, CodeEntry> = (() => {
  const all = [
    ...loadCodes,
    ...dslCodes,
    ...validateCodes,
    ...analyzeCodes,
    ...templatesCodes,
    ...journeysCodes,
    ...modelsCodes,
    ...sourcesCodes,
    ...planCodes,
    ...emitCodes,
    ...runtimeCodes,
    ...deliveryCodes,
    ...devCodes,
    ...insightsCodes,
  ];
  const map = new Map<string, CodeEntry>();
  for (const entry of all) {
    if (map.has(entry.code)) throw new Error(`diagnostic code ${entry.code} is defined twice`);
    map.set(entry.code, entry);
  }
  return map;
})();

export function lookupCode(code: string): CodeEntry | undefined {
  return catalogue.get(code);
}

/**
 * The message functions of the catalogue, by code: a code listed here has its text built from
 * typed parameters (`diagnostic()` in compiler/diagnostics/make.ts).
 */
export const messages = {
  ...loadMessages,
  ...ruleSyntaxMessages,
  ...schemaMessages,
  ...planGitMessages,
  ...planNoteMessages,
  ...planRiskMessages,
  ...experimentPlanMessages,
  ...devMessages,
  ...modelUseMessages,
  ...modelTrainMessages,
  ...deliverySettingsMessages,
  ...emitMessages,
  ...modelMessages,
  ...runtimeMessages,
  ...analyzeMessages,
  ...deliveryAnalyzeMessages,
  ...dslAnalyzeMessages,
  ...journeysAnalyzeMessages,
  ...templatesAnalyzeMessages,
  ...sourcesAnalyzeMessages,
  ...modelsAnalyzeMessages,
  ...insightsAnalyzeMessages,
};
export type CodeWithMessage = keyof typeof messages;
/** The parameters of a code's message; a code whose message takes none gets an empty object. */
export type MessageParams<C extends CodeWithMessage> = Parameters<(typeof messages)[C]> extends [infer P] ? P : Record<string, never>;

/** The message of a code from its parameters. */
export function messageOf<C extends CodeWithMessage>(code: C, params: MessageParams<C>): string {
  return (messages[code] as (p: MessageParams<C>) => string)(params);
}
