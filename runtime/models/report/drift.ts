import { groupedBarChart } from './svg.ts';

export interface DriftBin {
  /** The bin's upper edge on the training scores (null: the top bin, open above). */
  upTo: number | null;
  /** Share of training rows in the bin (0.1 each, by construction: the bins are training deciles). */
  training: number;
  /** Share of the newest scores in it. */
  newest: number;
}

export interface DriftReport {
  model: string;
  version: number;
  /** The instant the newest scores are as of. */
  asOf: string;
  customers: number;
  psi: number;
  bins: DriftBin[];
}

/** PSI below 0.1 is read as stable, up to 0.25 as a moderate shift, above as drift. */
export function driftVerdict(psi: number): string {
  return psi < 0.1 ? 'stable' : psi <= 0.25 ? 'a moderate shift' : 'drifted: retrain and check the features for upstream changes';
}

/**
 * The drift report of a scoring run: the newest score distribution against the training one, bin
 * by bin (training deciles), with the population stability index. drift.json, drift.md, drift.svg.
 */
export function renderDriftReport(r: DriftReport): Map<string, string> {
  const label = (b: DriftBin, i: number) => (b.upTo === null ? `> ${short(r.bins[i - 1]?.upTo ?? 0)}` : `≤ ${short(b.upTo)}`);
  const svg = groupedBarChart(
    r.bins.map((b, i) => ({ label: label(b, i), values: [b.training, b.newest] })),
    ['training', `as of ${r.asOf.slice(0, 10)}`],
    {
      title: `Score distribution: training vs newest (PSI ${r.psi.toFixed(3)})`,
      xLabel: 'score bin (training deciles)',
      yLabel: 'share of customers',
    },
  );
  const md = [
    `# ${r.model} v${r.version}: score drift`,
    '',
    `Scores of ${r.customers} customers as of ${r.asOf} against the scores the model gave its training rows.`,
    `Population stability index: **${r.psi.toFixed(3)}**, ${driftVerdict(r.psi)}.`,
    '',
    '| bin | scores | training | newest |',
    '| ---: | ---: | ---: | ---: |',
    ...r.bins.map((b, i) => `| ${i + 1} | ${label(b, i)} | ${pct(b.training)} | ${pct(b.newest)} |`),
    '',
    '![drift](drift.svg)',
    '',
  ].join('\n');
  const json = `${JSON.stringify(r, null, 2)}\n`;
  return new Map([
    ['drift.json', json],
    ['drift.md', md],
    ['drift.svg', svg],
  ]);
}

function pct(v: number): string {
  return `${(v * 100).toFixed(1)}%`;
}

function short(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3);
}
