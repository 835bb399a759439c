/**
 * The dashboard's charts as inline SVG strings: no script, no fonts or styles fetched, nothing from
 * the network, so the page opens the same from a file, an email attachment or `herald serve`.
 */
export const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#4d7c0f', '#be185d'];

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

export interface LineSeries {
  name: string;
  /** One value per x label (0 where there is nothing). */
  values: number[];
}

const W = 640;
const H = 220;
const PAD = { left: 56, right: 12, top: 12, bottom: 36 };

/** A line chart of several series over shared x labels (days), with axes and a legend. */
export function lineChart(title: string, labels: readonly string[], series: readonly LineSeries[], format: (v: number) => string): string {
  const max = Math.max(1e-9, ...series.flatMap((s) => s.values));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + (labels.length <= 1 ? plotW / 2 : (i / (labels.length - 1)) * plotW);
  const y = (v: number) => PAD.top + plotH - (v / max) * plotH;
  const parts: string[] = [];
  for (const tick of [0, 0.5, 1]) {
    const v = max * tick;
    parts.push(`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#e5e7eb"/>`);
    parts.push(
      `<text x="${PAD.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" font-size="11" fill="#4b5563">${escapeHtml(format(v))}</text>`,
    );
  }
  const every = Math.max(1, Math.ceil(labels.length / 8));
  labels.forEach((label, i) => {
    if (i % every === 0 || i === labels.length - 1)
      parts.push(
        `<text x="${x(i).toFixed(1)}" y="${H - PAD.bottom + 16}" text-anchor="${i === labels.length - 1 && labels.length > 1 ? 'end' : 'middle'}" font-size="11" fill="#4b5563">${escapeHtml(label.slice(5))}</text>`,
      );
  });
  series.forEach((s, k) => {
    const colour = PALETTE[k % PALETTE.length]!;
    const points = s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    parts.push(
      `<polyline class="series" data-series="${escapeHtml(s.name)}" fill="none" stroke="${colour}" stroke-width="2" points="${points}"/>`,
    );
    parts.push(
      `<rect x="${PAD.left + (k % 4) * 150}" y="${H - 14 - Math.floor(k / 4) * 0}" width="10" height="3" fill="${colour}"/><text x="${PAD.left + (k % 4) * 150 + 14}" y="${H - 10}" font-size="11" fill="#111827">${escapeHtml(truncate(s.name, 22))}</text>`,
    );
  });
  return `<svg class="chart" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${escapeHtml(title)}" xmlns="http://www.w3.org/2000/svg"><title>${escapeHtml(title)}</title>${parts.join('')}</svg>`;
}

export interface IntervalRow {
  label: string;
  estimate: number;
  low: number;
  high: number;
}

/** A forest plot: each effect's estimate and interval against a zero line. */
export function intervalChart(title: string, rows: readonly IntervalRow[], format: (v: number) => string): string {
  const rowH = 26;
  const h = PAD.top + rows.length * rowH + 30;
  const labelW = 250;
  const lo = Math.min(0, ...rows.map((r) => r.low));
  const hi = Math.max(0, ...rows.map((r) => r.high));
  const span = hi - lo || 1;
  const x = (v: number) => labelW + ((v - lo) / span) * (W - labelW - PAD.right);
  const parts = [
    `<line x1="${x(0).toFixed(1)}" x2="${x(0).toFixed(1)}" y1="${PAD.top - 4}" y2="${h - 24}" stroke="#6b7280" stroke-dasharray="3 3"/>`,
  ];
  rows.forEach((r, i) => {
    const cy = PAD.top + i * rowH + rowH / 2;
    const colour = r.low > 0 ? '#16a34a' : r.high < 0 ? '#dc2626' : '#6b7280';
    parts.push(
      `<text x="${labelW - 8}" y="${cy + 4}" text-anchor="end" font-size="11" fill="#111827">${escapeHtml(truncate(r.label, 38))}</text>`,
    );
    parts.push(
      `<line class="interval" x1="${x(r.low).toFixed(1)}" x2="${x(r.high).toFixed(1)}" y1="${cy}" y2="${cy}" stroke="${colour}" stroke-width="3"/>`,
    );
    parts.push(`<circle cx="${x(r.estimate).toFixed(1)}" cy="${cy}" r="4" fill="${colour}"/>`);
  });
  parts.push(
    `<text x="${x(lo).toFixed(1)}" y="${h - 8}" font-size="11" fill="#4b5563">${escapeHtml(format(lo))}</text><text x="${x(hi).toFixed(1)}" y="${h - 8}" text-anchor="end" font-size="11" fill="#4b5563">${escapeHtml(format(hi))}</text>`,
  );
  return `<svg class="chart" viewBox="0 0 ${W} ${h}" width="100%" role="img" aria-label="${escapeHtml(title)}" xmlns="http://www.w3.org/2000/svg"><title>${escapeHtml(title)}</title>${parts.join('')}</svg>`;
}

function truncate(text: string, n: number): string {
  return text.length > n ? `${text.slice(0, n - 1)}…` : text;
}
