/** How the report and the dashboard write numbers: rates in percent, differences in points, money to the cent. */
export function pct(rate: number, digits = 1): string {
  return `${(rate * 100).toFixed(digits)}%`;
}

/** A difference of rates in percentage points, signed. */
export function points(d: number, digits = 2): string {
  return `${d >= 0 ? '+' : ''}${(d * 100).toFixed(digits)} pts`;
}

export function money(v: number, signed = false): string {
  const text = Math.abs(v).toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return `${v < 0 ? '-' : signed ? '+' : ''}${text}`;
}

export function count(n: number, digits = 0): string {
  return n.toLocaleString('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function interval(low: number, high: number, f: (v: number) => string): string {
  return `[${f(low)}, ${f(high)}]`;
}
