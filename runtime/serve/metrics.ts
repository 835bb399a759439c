import type { MetricsRegistry } from './extension.ts';

/**
 * Prometheus metrics in memory, rendered in the text exposition format (version 0.0.4) at
 * `GET /metrics`. Registering a name twice returns the same metric (features are rebuilt on a
 * reload and keep counting); label values are escaped, label names come from code only.
 */
type Labels = Record<string, string>;

interface Family {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  labelNames: readonly string[];
  buckets?: readonly number[];
  /** Label key → value (counter, gauge) or bucket counts + sum + count (histogram). */
  series: Map<string, { labels: Labels; value: number; buckets?: number[]; sum?: number; count?: number }>;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

export class Metrics implements MetricsRegistry {
  private readonly families = new Map<string, Family>();

  counter(name: string, help: string, labelNames: readonly string[] = []) {
    const f = this.family(name, help, 'counter', labelNames);
    return { inc: (labels?: Labels, by = 1) => void (this.series(f, labels).value += by) };
  }

  gauge(name: string, help: string, labelNames: readonly string[] = []) {
    const f = this.family(name, help, 'gauge', labelNames);
    return { set: (value: number, labels?: Labels) => void (this.series(f, labels).value = value) };
  }

  histogram(name: string, help: string, buckets: readonly number[], labelNames: readonly string[] = []) {
    const f = this.family(
      name,
      help,
      'histogram',
      labelNames,
      [...buckets].sort((a, b) => a - b),
    );
    return {
      observe: (value: number, labels?: Labels) => {
        const s = this.series(f, labels);
        s.buckets ??= new Array(f.buckets!.length).fill(0);
        for (let i = 0; i < f.buckets!.length; i++) if (value <= f.buckets![i]!) s.buckets[i]!++;
        s.sum = (s.sum ?? 0) + value;
        s.count = (s.count ?? 0) + 1;
      },
    };
  }

  /** The exposition text. */
  render(): string {
    const lines: string[] = [];
    for (const f of [...this.families.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
      lines.push(`# HELP ${f.name} ${f.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${f.name} ${f.type}`);
      for (const s of f.series.values()) {
        if (f.type !== 'histogram') {
          lines.push(`${f.name}${labelText(s.labels)} ${s.value}`);
          continue;
        }
        f.buckets!.forEach((le, i) => lines.push(`${f.name}_bucket${labelText({ ...s.labels, le: String(le) })} ${s.buckets?.[i] ?? 0}`));
        lines.push(`${f.name}_bucket${labelText({ ...s.labels, le: '+Inf' })} ${s.count ?? 0}`);
        lines.push(`${f.name}_sum${labelText(s.labels)} ${s.sum ?? 0}`, `${f.name}_count${labelText(s.labels)} ${s.count ?? 0}`);
      }
    }
    return `${lines.join('\n')}\n`;
  }

  private family(name: string, help: string, type: Family['type'], labelNames: readonly string[], buckets?: readonly number[]): Family {
    if (!NAME.test(name)) throw new Error(`internal: "${name}" is not a Prometheus metric name`);
    const known = this.families.get(name);
    if (known) {
      if (known.type !== type) throw new Error(`internal: metric ${name} is a ${known.type}, not a ${type}`);
      return known;
    }
    const f: Family = { name, help, type, labelNames, series: new Map(), ...(buckets ? { buckets } : {}) };
    this.families.set(name, f);
    return f;
  }

  private series(f: Family, labels: Labels = {}) {
    const picked: Labels = {};
    for (const n of f.labelNames) picked[n] = labels[n] ?? '';
    const key = f.labelNames.map((n) => picked[n]).join('\u0000');
    let s = f.series.get(key);
    if (!s) f.series.set(key, (s = { labels: picked, value: 0 }));
    return s;
  }
}

function labelText(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `{${entries.map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`).join(',')}}`;
}
