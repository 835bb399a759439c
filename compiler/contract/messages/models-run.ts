import type { MessageTable } from './types.ts';

type HL570 =
  | { model: string; customers: number; clusteringNeeds: number }
  | { model: string; noNewPurchaseWithinDays: number }
  | { model: string; labelDoesNotLookAhead: true }
  | { model: string; fold: number; cutoff: number; trainRows: number; testRows: number; minTrain: number; minTest: number }
  | { model: string; oneLabelClassInTestFold: true };

function hl570(p: HL570): string {
  if ('clusteringNeeds' in p) return `model ${p.model} has ${p.customers} customers; clustering needs at least ${p.clusteringNeeds}`;
  if ('noNewPurchaseWithinDays' in p)
    return `a fold of model ${p.model} has no customer who bought a new item in the ${p.noNewPurchaseWithinDays} days after its cut-off`;
  if ('labelDoesNotLookAhead' in p) return `model ${p.model} needs a label that looks ahead (within next …) to be backtested`;
  if ('oneLabelClassInTestFold' in p) return `a test fold of model ${p.model} has only one label class, so AUC cannot be measured`;
  return `fold ${p.fold} of model ${p.model} (cut-off ${new Date(p.cutoff).toISOString().slice(0, 10)}) has ${p.trainRows} training rows and ${p.testRows} test rows; it needs at least ${p.minTrain} and ${p.minTest}`;
}

type HL572 =
  | { model: string; triedVersions: number }
  | { model: string; readers: string; triedVersions: number }
  | { model: string; readByRules: true; triedVersions: number };

function hl572(p: HL572): string {
  const tried = p.triedVersions;
  if ('readers' in p) {
    return tried
      ? `${p.readers}, but none of the ${tried} trained versions of model ${p.model} met its evaluation bar`
      : `${p.readers}, but model ${p.model} has never been trained`;
  }
  if ('readByRules' in p) {
    const reads = `rules read score(${p.model}) or tier(${p.model})`;
    return tried
      ? `${reads}, but none of its ${tried} trained versions met the evaluation bar`
      : `${reads}, but model ${p.model} has never been trained`;
  }
  return tried
    ? `model ${p.model} has no active version: none of its ${tried} trained versions met the evaluation bar`
    : `model ${p.model} has never been trained`;
}

/** Messages of the model run codes HL570–HL583 (explained in compiler/diagnostics/catalogue/models.ts). */
export const modelRunMessages = {
  HL570: hl570,
  HL571: (p: { model: string; label: string | number }) => `the label of model ${p.model} is ${p.label} for every training customer`,
  HL572: hl572,
  HL573: (p: { model: string; feature: string }) => `feature "${p.feature}" of model ${p.model} is missing for every training customer`,
  HL574: (p: { model: string; feature: string; nan: number; infinite: number }) =>
    `feature "${p.feature}" of model ${p.model} is ${[p.nan ? `missing (or NaN) for ${p.nan}` : '', p.infinite ? `infinite for ${p.infinite}` : ''].filter(Boolean).join(' and ')} training customers; imputed with the mean and flagged in "${p.feature}_missing"`,
  HL575: (p: { model: string; feature: string }) => `feature "${p.feature}" of model ${p.model} is text, not a number`,
  HL577: (
    p:
      | { model: string; version: number; changedSince: true }
      | { model: string; version: number; trainedOn: readonly string[]; now: readonly string[] },
  ) =>
    'changedSince' in p
      ? `model ${p.model} changed since v${p.version} was trained; scoring with v${p.version}`
      : `model ${p.model} v${p.version} was trained on features ${p.trainedOn.join(', ')} but the spec now has ${p.now.join(', ')}`,
  HL578: (p: { model: string }) => `there are no events to train model ${p.model} on`,
  HL579: (p: { model: string; psi: number; limit: number }) =>
    `the scores of model ${p.model} drifted from training (PSI ${p.psi.toFixed(3)} > ${p.limit})`,
  HL580: (p: { model: string; fold: number; notConverged: true } | { model: string; feature: string; constant: unknown }) =>
    'notConverged' in p
      ? `the fit of fold ${p.fold} of model ${p.model} did not converge`
      : `feature "${p.feature}" of model ${p.model} is ${String(p.constant)} for every training customer`,
  HL581: (p: { model: string; notBoolean: unknown } | { model: string; missing: number; of: number }) =>
    'notBoolean' in p
      ? `the label of model ${p.model} must be true/false, but a value is ${String(p.notBoolean)}`
      : `the label of model ${p.model} is missing or not finite for ${p.missing} of ${p.of} customers`,
  HL582: (p: { model: string; interactions: readonly string[]; itemProperty: string; cutoff: number }) =>
    `model ${p.model} found no ${p.interactions.join('/')} events with ${p.itemProperty} before the cut-off ${new Date(p.cutoff).toISOString()}`,
  HL583: (p: { cold: number; itemsFirstSoldLater: number; unsold: number; content: boolean }) =>
    `${p.cold} customers judged in the final fold had no interactions before its cut-off (they get popular items); its catalogue leaves out ${p.itemsFirstSoldLater} items first bought after the cut-off; ${p.unsold} catalog items were never bought${p.content ? ' (recommendable through content similarity)' : ''}`,
} satisfies MessageTable;
