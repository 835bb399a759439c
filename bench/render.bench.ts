/**
 * Email rendering: a typical personalized email (subject, HTML and text, six recommended
 * products, the showcase's recommendations template) rendered from the template compiled once,
 * against the baseline of running nunjucks and then MJML for every recipient. And, in a process
 * of its own, one million recipients streamed from a SQLite database and rendered, with that
 * process's peak memory.
 * Targets: >= 20,000 emails/s on one core, >= 500x faster per email than MJML per recipient, and
 * the million streamed with peak RSS under 512 MB. HERALD_BENCH_STREAM_CUSTOMERS sets the million.
 */
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import mjml2html from 'mjml';
import nunjucks from 'nunjucks';
import { CpuTimes } from './cpu-time.ts';
import type { BenchSuite } from './types.ts';
import { parseText } from '../compiler/1-load/parse-file.ts';
import {
  buildTemplate,
  checkTemplate,
  prepareTemplate,
  stopMjmlWorker,
  type CompiledTemplate,
} from '../compiler/3-analyze/templates/index.ts';
import {
  buildRenderContext,
  loadTemplate,
  readSampleData,
  renderEmail,
  sampleRenderInput,
  type LoadedTemplate,
  type RenderInput,
} from '../runtime/render/index.ts';
import { HERALD_FILTER_FUNCTIONS } from '../runtime/render/filters.ts';
import { withSettings } from '../runtime/render/settings.ts';

const ROOT = resolve('examples/templates-showcase');
const FAST_EMAILS = 5_000;
const SLOW_EMAILS = 20;

let compiled: CompiledTemplate;
let loaded: LoadedTemplate;
let mjmlSource = '';
let recipients: RenderInput[] = [];
let referenceEnv: nunjucks.Environment;
let sink = 0;

/**
 * CPU time per email of each measured run, by case. "On one core" is a CPU-time figure: on a
 * shared machine wall time also counts the time other processes hold the core, so the targets
 * are checked on CPU time (the table's wall-clock medians are printed as usual).
 */
const cpu = new CpuTimes();
const timedCpu = (caseName: string, emails: number, work: () => Promise<void> | void) => cpu.time(caseName, work, emails);
/** Median CPU microseconds per email; the first run is the warmup. */
const medianCpu = (caseName: string) => cpu.median(caseName, 1) * 1000;

const SLOW = `MJML per recipient (${SLOW_EMAILS} emails)`;
const FAST = `compiled once (${FAST_EMAILS} emails)`;

const STREAM_CUSTOMERS = Number(process.env.HERALD_BENCH_STREAM_CUSTOMERS ?? 1_000_000);
let streamed: { customers: number; rendered: number; failed: number; ms: number; cpuMs: number; maxRssMb: number } | undefined;

/** The million recipients, streamed from a database in a process of its own (its memory alone). */
function streamFromDatabase(): void {
  const work = mkdtempSync(join(tmpdir(), 'herald-bench-render-'));
  try {
    process.stderr.write(
      `  rendering ${STREAM_CUSTOMERS.toLocaleString('en-GB')} recipients streamed from SQLite in a process of its own…\n`,
    );
    const out = execFileSync(
      process.execPath,
      [resolve('bin/run-ts.js'), resolve('scripts/render-stream-once.ts'), String(STREAM_CUSTOMERS), join(work, 'stream.db')],
      { encoding: 'utf8', maxBuffer: 1 << 20 },
    );
    streamed = JSON.parse(out.trim().split('\n').pop()!);
    const s = streamed!;
    process.stdout.write(
      `  streamed from the database: ${s.rendered.toLocaleString('en-GB')} emails in ${(s.ms / 1000).toFixed(1)} s (${Math.round(s.rendered / (s.cpuMs / 1000)).toLocaleString('en-GB')} emails/s per core of CPU, database reads included), peak RSS ${s.maxRssMb} MB\n`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function setup(): void {
  streamFromDatabase();
  const rel = 'templates/recommendations.yaml';
  const doc = parseText(rel, resolve(ROOT, rel), readFileSync(resolve(ROOT, rel), 'utf8')).documents[0]!;
  const value = doc.value as { metadata: { name: string }; spec: never };
  const prepared = prepareTemplate({
    name: value.metadata.name,
    spec: value.spec,
    root: ROOT,
    yamlFile: doc.file,
    doc: doc.yaml,
    specPath: ['spec'],
  });
  const names = {
    customerFields: ['email', 'first_name', 'country', 'locale', 'timezone', 'signup_at', 'email_consent'],
    itemFields: ['name', 'category', 'price', 'image_url', 'url'],
    traits: [],
    models: [],
    segments: [],
  };
  const built = buildTemplate(prepared, checkTemplate(prepared, names).variables);
  stopMjmlWorker();
  if (!built.compiled) throw new Error('the showcase template does not compile');
  compiled = built.compiled;
  loaded = loadTemplate(compiled);
  const head = `<mj-title>${prepared.subject.text}</mj-title><mj-preview>${prepared.preheader?.text ?? ''}</mj-preview>`;
  mjmlSource = prepared.body!.text.replace(/<mj-head\s*>/, (m) => m + head);
  const sample = readSampleData(resolve(ROOT, 'data/sample.yaml'));
  // 1,000 distinct recipients: names, locales and six recommended products each.
  const base = sampleRenderInput(compiled, sample, 'c_1001')!;
  const locales = [
    ['en-GB', 'Europe/London'],
    ['fr-FR', 'Europe/Paris'],
    ['de-DE', 'Europe/Berlin'],
    ['en-US', 'America/New_York'],
  ];
  recipients = Array.from({ length: 1000 }, (_, i) => {
    const [locale, timezone] = locales[i % locales.length]!;
    const items = Array.from({ length: 6 }, (_, k) => sample.items[(i + k) % sample.items.length]!);
    return {
      ...base,
      customer: { id: `c_${i}`, first_name: `Name${i}`, email: `c${i}@example.test`, locale, timezone },
      recommendations: items,
      message_id: `m${i}@x`,
    };
  });
  referenceEnv = new nunjucks.Environment([], { autoescape: true });
  for (const [name, fn] of Object.entries(HERALD_FILTER_FUNCTIONS)) referenceEnv.addFilter(name, fn as (...args: unknown[]) => unknown);
}

const suite: BenchSuite = {
  name: 'render',
  runs: 7,
  warmup: 1,
  before: setup,
  cases: [
    {
      name: SLOW,
      baseline: true,
      units: SLOW_EMAILS,
      unitName: 'emails',
      run: () =>
        timedCpu(SLOW, SLOW_EMAILS, async () => {
          for (let i = 0; i < SLOW_EMAILS; i++) {
            const input = recipients[i]!;
            const ctx = buildRenderContext(input);
            const settings = { locale: String(input.customer.locale), timeZone: String(input.customer.timezone), currency: 'GBP' };
            const mjml = withSettings(settings, () => referenceEnv.renderString(mjmlSource, ctx as unknown as object));
            const html = (await mjml2html(mjml, { validationLevel: 'soft' })).html;
            const subject = withSettings(settings, () => referenceEnv.renderString(compiled.subject, ctx as unknown as object));
            const text = withSettings(settings, () => referenceEnv.renderString(compiled.text, ctx as unknown as object));
            sink += html.length + subject.length + text.length;
          }
        }),
    },
    {
      // Same number of emails as the baseline, so the table's ratio column compares like with like.
      name: `compiled once (${SLOW_EMAILS} emails)`,
      units: SLOW_EMAILS,
      unitName: 'emails',
      run() {
        for (let i = 0; i < SLOW_EMAILS; i++) {
          const r = renderEmail(loaded, recipients[i]!);
          if (!r.ok) throw new Error(r.reason);
          sink += r.email.html.length + r.email.text.length + r.email.subject.length;
        }
      },
    },
    {
      name: FAST,
      units: FAST_EMAILS,
      unitName: 'emails',
      run: () =>
        timedCpu(FAST, FAST_EMAILS, () => {
          for (let i = 0; i < FAST_EMAILS; i++) {
            const r = renderEmail(loaded, recipients[i % recipients.length]!);
            if (!r.ok) throw new Error(r.reason);
            sink += r.email.html.length + r.email.text.length + r.email.subject.length;
          }
        }),
    },
  ],
  targets: [
    {
      description: '>= 20,000 emails/s on one core (CPU time; subject + HTML + text, six products)',
      check: () => 1e6 / medianCpu(FAST) >= 20_000,
    },
    {
      description: '>= 500x less CPU per email than MJML per recipient',
      check: () => medianCpu(SLOW) / medianCpu(FAST) >= 500,
    },
    {
      description: `${STREAM_CUSTOMERS.toLocaleString('en-GB')} recipients streamed from the database, every one rendered, peak RSS under 512 MB`,
      check: () => streamed !== undefined && streamed.rendered === STREAM_CUSTOMERS && streamed.failed === 0 && streamed.maxRssMb < 512,
    },
  ],
  after() {
    if (sink === 0) throw new Error('nothing was rendered');
    const fast = medianCpu(FAST);
    const slow = medianCpu(SLOW);
    process.stdout.write(
      `  CPU per email: compiled once ${fast.toFixed(1)} µs (${Math.round(1e6 / fast).toLocaleString('en-GB')} emails/s per core), MJML per recipient ${(slow / 1000).toFixed(2)} ms; ${Math.round(slow / fast)}x\n`,
    );
  },
};

export default suite;
