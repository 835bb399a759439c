import type { Backtest } from '../backtest/backtest.ts';
import type { Estimate } from '../backtest/bootstrap.ts';
import { metricLabel } from './summary.ts';

/** `0.7370 [0.7210, 0.7520]`: a mean and its 95% interval. */
export function showEstimate(e: Estimate | undefined): string {
  if (!e || !Number.isFinite(e.mean)) return '';
  const f = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(1) : v.toFixed(4));
  return Number.isFinite(e.low) ? `${f(e.mean)} [${f(e.low)}, ${f(e.high)}]` : f(e.mean);
}

/** The backtest as aligned text lines: one row per metric, one column per contender (mean [95% interval]). */
export function backtestLines(b: Backtest, k: number, which: 'backtest' | 'final'): string[] {
  const heads = ['', ...b.contenders.map((c) => c.name)];
  const rows = b.metrics.map((m) => [metricLabel(m, k), ...b.contenders.map((c) => showEstimate(c[which][m]))]);
  const widths = heads.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(heads), ...rows.map(line)];
}

/** The backtest section of report.md. */
export function backtestMarkdown(b: Backtest, k: number): string[] {
  const nb = b.folds.filter((f) => !f.final).length;
  const table = (which: 'backtest' | 'final') => [
    `| | ${b.metrics.map((m) => metricLabel(m, k)).join(' | ')} |`,
    `| --- |${b.metrics.map(() => ' ---: |').join('')}`,
    ...b.contenders.map((c) => `| ${c.name} | ${b.metrics.map((m) => showEstimate(c[which][m])).join(' | ')} |`),
  ];
  const lines = [
    '## Backtest',
    '',
    `Means over ${nb} temporal folds with 95% intervals (bootstrap over customers, 200 replicates).`,
    '',
    ...table('backtest'),
  ];
  lines.push(
    '',
    '## Final test fold',
    '',
    'Seen by no tuning step and no bar; measured once, after everything else.',
    '',
    ...table('final'),
  );
  lines.push('', '## Folds', '', '| fold | cut-off | test window ends | training rows | test rows |', '| ---: | --- | --- | ---: | ---: |');
  for (const f of b.folds)
    lines.push(
      `| ${f.index}${f.final ? ' (final)' : ''} | ${f.cutoff.slice(0, 10)} | ${f.testEnd.slice(0, 10)} | ${f.train} | ${f.test} |`,
    );
  lines.push('', 'Contenders:', '', ...b.contenders.map((c) => `- ${c.name}: ${c.description}`));
  if (b.tuning?.length) {
    lines.push('', "## Tuning (inside each fold's training data)", '');
    for (const t of b.tuning) {
      lines.push(
        `- fold ${t.fold}: ${t.choice}${t.tried ? `; tried ${t.tried.map((x) => `${x.setting} → ${x.loss.toFixed(5)}`).join(', ')}` : ''}`,
      );
    }
  }
  return lines;
}
