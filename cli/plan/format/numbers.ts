/** Numbers as a plan prints them: 1,204 / +1,204 / -37 / 35% (en-US grouping, whatever the machine's locale). */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function formatSigned(n: number): string {
  return n > 0 ? `+${formatCount(n)}` : n < 0 ? `-${formatCount(-n)}` : '0';
}

/** A fraction as a percentage: 0.351 → 35%, 0.004 → 0.4%. */
export function formatPercent(fraction: number): string {
  const p = fraction * 100;
  return `${Math.abs(p) >= 10 || p === 0 ? Math.round(p) : Number(p.toFixed(1))}%`;
}

/** A count that may be missing (no data): an en dash. */
export function formatMaybe(n: number | null | undefined): string {
  return n === null || n === undefined ? '–' : formatCount(n);
}
