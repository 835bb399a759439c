import type { MessageTable } from './types.ts';

const iso = (ms: number) => new Date(ms).toISOString();

/** Messages of the journey run codes HL510–HL515 (explained in compiler/diagnostics/catalogue/journeys.ts). */
export const journeyRunMessages = {
  HL510: (p: { journey: string; steps: number; at: number; step: string }) =>
    `journey ${p.journey}: a customer went through ${p.steps} steps at ${iso(p.at)} without time passing (at step ${p.step}); they were taken out of the journey`,
  HL511: (
    p:
      | { journey: string; version: string; unstored: true }
      | { journey: string; version: string; missingStep: string }
      | { journey: string; step: string; failed: string },
  ) =>
    'unstored' in p
      ? `journey ${p.journey} version ${p.version} is not stored in the database; its entries were ended`
      : 'missingStep' in p
        ? `journey ${p.journey} version ${p.version} has no step "${p.missingStep}"`
        : `journey ${p.journey}, step ${p.step}: ${p.failed}`,
  HL512: (p: { until: number; clock: number }) =>
    `journeys in this database have already run up to ${iso(p.clock)}, after --until ${iso(p.until)}; run with a later --until (or a fresh database)`,
  HL513: (p: { journey: string; left: number }) =>
    `journey ${p.journey} is no longer in the workspace: ${p.left} customer${p.left === 1 ? '' : 's'} inside it left (exit reason journey_removed)`,
  HL514: (p: { journey: string; step: string; field: string }) =>
    `journey ${p.journey}, step ${p.step}: the new value of ${p.field} is missing; the field was left unchanged`,
  HL515: (p: { campaign: string; dueAt: number }) =>
    `campaign ${p.campaign} was due at ${iso(p.dueAt)}, before this database's run clock reached it; it was not sent (rename it to send it now)`,
} satisfies MessageTable;
