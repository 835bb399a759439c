import type { Diagnostic } from '../diagnostic.ts';

export interface Counts {
  errors: number;
  warnings: number;
  infos: number;
}

export function countDiagnostics(diagnostics: readonly Diagnostic[]): Counts {
  const counts: Counts = { errors: 0, warnings: 0, infos: 0 };
  for (const d of diagnostics) {
    if (d.severity === 'error') counts.errors++;
    else if (d.severity === 'warning') counts.warnings++;
    else counts.infos++;
  }
  return counts;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** "2 errors, 1 warning" (always both, so scripts and people can rely on the shape). */
export function summaryLine(diagnostics: readonly Diagnostic[]): string {
  const c = countDiagnostics(diagnostics);
  return `${plural(c.errors, 'error')}, ${plural(c.warnings, 'warning')}`;
}
