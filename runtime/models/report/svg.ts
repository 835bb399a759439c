/**
 * Hand-written SVG charts: a line chart and a bar chart with axes, ticks, a title and a legend.
 * Plain strings, no dependencies, readable in a browser, a pull request or a Markdown viewer.
 */
export interface Series {
  name: string;
  points: Array<{ x: number; y: number }>;
  color?: string;
  dashed?: boolean;
  /** Draw dots at the points too (sparse series such as calibration bins). */
  dots?: boolean;
}

export interface ChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  xDomain?: [number, number];
  yDomain?: [number, number];
  /** Where the legend goes inside the plot area (default top-left). */
  legend?: 'top-left' | 'bottom-right';
}

const W = 560;
const H = 400;
const M = { top: 44, right: 24, bottom: 56, left: 64 };
const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2'];
const FONT = 'font-family="system-ui, -apple-system, Segoe UI, sans-serif"';

export function lineChart(series: readonly Series[], o: ChartOptions): string {
  const all = series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  const xd = o.xDomain ?? niceDomain(all.map((p) => p.x));
  const yd = o.yDomain ?? niceDomain(all.map((p) => p.y));
  const sx = scale(xd, M.left, W - M.right);
  const sy = scale(yd, H - M.bottom, M.top);
  const body = series.map((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length]!;
    const pts = s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
    const d = pts.map((p, k) => `${k === 0 ? 'M' : 'L'}${r(sx(p.x))},${r(sy(p.y))}`).join(' ');
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    const dots = s.dots ? pts.map((p) => `<circle cx="${r(sx(p.x))}" cy="${r(sy(p.y))}" r="3.5" fill="${color}"/>`).join('') : '';
    return `<path d="${d}" fill="none" stroke="${color}" stroke-width="2"${dash}/>${dots}`;
  });
  return frame(o, xd, yd, body.join('\n'), legend(series, o.legend ?? 'top-left'));
}

export function barChart(
  bars: ReadonlyArray<{ label: string; value: number }>,
  o: ChartOptions & { reference?: { value: number; label: string } },
): string {
  const yd = o.yDomain ?? niceDomain([0, ...bars.map((b) => b.value), o.reference?.value ?? 0]);
  const sy = scale(yd, H - M.bottom, M.top);
  const band = (W - M.left - M.right) / Math.max(1, bars.length);
  const body = bars.map((b, i) => {
    const x = M.left + i * band + band * 0.15;
    const y = sy(Math.max(0, b.value));
    const h = Math.abs(sy(0) - sy(b.value));
    return (
      `<rect x="${r(x)}" y="${r(y)}" width="${r(band * 0.7)}" height="${r(h)}" fill="${PALETTE[0]}" rx="2"><title>${esc(b.label)}: ${b.value.toFixed(3)}</title></rect>` +
      `<text x="${r(x + band * 0.35)}" y="${H - M.bottom + 18}" text-anchor="middle" font-size="12" fill="#374151" ${FONT}>${esc(b.label)}</text>`
    );
  });
  if (o.reference) {
    const y = sy(o.reference.value);
    body.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${r(y)}" y2="${r(y)}" stroke="#6b7280" stroke-dasharray="6 4"/>`);
    body.push(
      `<text x="${W - M.right - 4}" y="${r(y - 6)}" text-anchor="end" font-size="12" fill="#6b7280" ${FONT}>${esc(o.reference.label)}</text>`,
    );
  }
  return frame({ ...o }, undefined, yd, body.join('\n'), '');
}

/** Bars side by side per group (e.g. a metric for the model and for its baseline), with a legend. */
export function groupedBarChart(
  groups: ReadonlyArray<{ label: string; values: number[] }>,
  seriesNames: readonly string[],
  o: ChartOptions,
): string {
  const all = groups.flatMap((g) => g.values).filter(Number.isFinite);
  const yd = o.yDomain ?? niceDomain([0, ...all]);
  const sy = scale(yd, H - M.bottom, M.top);
  const band = (W - M.left - M.right) / Math.max(1, groups.length);
  const barWidth = (band * 0.7) / Math.max(1, seriesNames.length);
  const body: string[] = [];
  groups.forEach((g, i) => {
    const x0 = M.left + i * band + band * 0.15;
    g.values.forEach((v, k) => {
      if (!Number.isFinite(v)) return;
      const x = x0 + k * barWidth;
      body.push(
        `<rect x="${r(x)}" y="${r(sy(Math.max(0, v)))}" width="${r(barWidth - 2)}" height="${r(Math.abs(sy(0) - sy(v)))}" fill="${PALETTE[k % PALETTE.length]}" rx="2"><title>${esc(seriesNames[k] ?? '')} ${esc(g.label)}: ${v.toFixed(4)}</title></rect>`,
      );
    });
    body.push(
      `<text x="${r(x0 + band * 0.35)}" y="${H - M.bottom + 18}" text-anchor="middle" font-size="12" fill="#374151" ${FONT}>${esc(g.label)}</text>`,
    );
  });
  return frame(
    o,
    undefined,
    yd,
    body.join('\n'),
    legend(
      seriesNames.map((name) => ({ name, points: [] })),
      o.legend ?? 'top-left',
    ),
  );
}

function frame(o: ChartOptions, xd: [number, number] | undefined, yd: [number, number], body: string, legendSvg: string): string {
  const sy = scale(yd, H - M.bottom, M.top);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(o.title)}">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${W / 2}" y="24" text-anchor="middle" font-size="16" font-weight="600" fill="#111827" ${FONT}>${esc(o.title)}</text>`,
  ];
  for (const t of ticks(yd)) {
    const y = sy(t);
    parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${r(y)}" y2="${r(y)}" stroke="#e5e7eb"/>`);
    parts.push(`<text x="${M.left - 8}" y="${r(y + 4)}" text-anchor="end" font-size="11" fill="#6b7280" ${FONT}>${label(t)}</text>`);
  }
  if (xd) {
    const sx = scale(xd, M.left, W - M.right);
    for (const t of ticks(xd)) {
      const x = r(sx(t));
      parts.push(`<line x1="${x}" x2="${x}" y1="${H - M.bottom}" y2="${H - M.bottom + 5}" stroke="#9ca3af"/>`);
      parts.push(`<text x="${x}" y="${H - M.bottom + 18}" text-anchor="middle" font-size="11" fill="#6b7280" ${FONT}>${label(t)}</text>`);
    }
  }
  parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${H - M.bottom}" y2="${H - M.bottom}" stroke="#9ca3af"/>`);
  parts.push(`<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${H - M.bottom}" stroke="#9ca3af"/>`);
  parts.push(
    `<text x="${(M.left + W - M.right) / 2}" y="${H - 14}" text-anchor="middle" font-size="12" fill="#374151" ${FONT}>${esc(o.xLabel)}</text>`,
  );
  parts.push(
    `<text transform="translate(16 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle" font-size="12" fill="#374151" ${FONT}>${esc(o.yLabel)}</text>`,
  );
  parts.push(body, legendSvg, '</svg>');
  return `${parts.filter(Boolean).join('\n')}\n`;
}

function legend(series: readonly Series[], at: 'top-left' | 'bottom-right'): string {
  const width = 12 + 28 + Math.max(...series.map((s) => s.name.length)) * 6.8;
  return series
    .map((s, i) => {
      const color = s.color ?? PALETTE[i % PALETTE.length]!;
      const y = at === 'top-left' ? M.top + 8 + i * 18 : H - M.bottom - 12 - (series.length - 1 - i) * 18;
      const x = at === 'top-left' ? M.left + 12 : W - M.right - width;
      const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
      return `<line x1="${x}" x2="${x + 22}" y1="${y}" y2="${y}" stroke="${color}" stroke-width="2"${dash}/><text x="${x + 28}" y="${y + 4}" font-size="12" fill="#374151" ${FONT}>${esc(s.name)}</text>`;
    })
    .join('\n');
}

function scale([d0, d1]: [number, number], r0: number, r1: number): (v: number) => number {
  const span = d1 - d0 || 1;
  return (v) => r0 + ((v - d0) / span) * (r1 - r0);
}

function niceDomain(values: number[]): [number, number] {
  if (values.length === 0) return [0, 1];
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  const step = niceStep((hi - lo) / 5);
  return [Math.floor(lo / step) * step, Math.ceil(hi / step) * step];
}

function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(raw));
  const f = raw / p;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
}

function ticks([d0, d1]: [number, number]): number[] {
  const step = niceStep((d1 - d0) / 5);
  const out: number[] = [];
  for (let t = Math.ceil(d0 / step) * step; t <= d1 + step * 1e-9; t += step) out.push(Number(t.toPrecision(12)));
  return out;
}

function label(v: number): string {
  if (Math.abs(v) >= 1000) return v.toLocaleString('en-US', { maximumFractionDigits: 0 });
  return String(Number(v.toPrecision(3)));
}

function r(v: number): string {
  return (Math.round(v * 10) / 10).toString();
}

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
