/**
 * `herald dev` on a generated workspace of 1,000 definitions, one of them a template kept as a YAML
 * file and an MJML file as `herald new Template` writes them. Cases:
 * - full rebuild: what a watcher without an incremental compiler does (compiler/index.ts
 *   runPipeline, build files included); the baseline;
 * - incremental rebuild after saving the template's MJML file (compiler/incremental);
 * - incremental rebuild with nothing changed (the floor: reading, hashing and checking the files);
 * - save to served preview: from writing the MJML file to the template page, with the new text,
 *   served by a running `herald dev` (watcher, its quiet period, rebuild, render, HTTP).
 * Targets: save to served preview under 150 ms; an incremental rebuild at least 10x faster than a
 * full one.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPipeline } from '../compiler/index.ts';
import { IncrementalCompiler } from '../compiler/incremental/index.ts';
import { stopMjmlWorker } from '../compiler/templates/index.ts';
import { startDev, type DevHandle } from '../cli/dev/start.ts';
import { generateWorkspace } from './generate-workspace.ts';
import type { BenchSuite } from './types.ts';

const dir = join(tmpdir(), `herald-bench-dev-${process.pid}`);
const MJML = join(dir, 'templates', 'bench_email.mjml');
let compiler: IncrementalCompiler;
let dev: DevHandle | undefined;
let edits = 0;

/** The template's body with a fresh marker, so every save really changes it. */
function saveTemplate(): string {
  const marker = `edit ${++edits}`;
  writeFileSync(MJML, `<mjml><mj-body><mj-section><mj-column>\n  <mj-text>Hello {{ customer.first_name | default('there') }}, ${marker}.</mj-text>\n  <mj-text><a href="{{ unsubscribe_url }}">Unsubscribe</a></mj-text>\n</mj-column></mj-section></mj-body></mjml>\n`);
  return marker;
}

function check(result: ReturnType<typeof runPipeline>): void {
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`the workspace has ${errors.length} errors; first: ${errors[0]!.file} ${errors[0]!.code} ${errors[0]!.message}`);
}

const suite: BenchSuite = {
  name: 'dev',
  runs: 7,
  warmup: 1,
  before() {
    generateWorkspace(dir, { definitions: 999 });
    mkdirSync(join(dir, 'data'), { recursive: true });
    writeFileSync(join(dir, '.heraldignore'), 'data/\n');
    writeFileSync(join(dir, 'data', 'sample.yaml'), 'customers:\n  - { id: c1, email: c1@example.test, first_name: Ada, email_consent: true }\nitems: []\n');
    writeFileSync(
      join(dir, 'templates', 'bench_email.yaml'),
      'apiVersion: herald/v1\nkind: Template\nmetadata: { name: bench_email }\nspec:\n  subject: Hello\n  mjml: bench_email.mjml\n  sample_data: ../data/sample.yaml\n  sample_customers: [c1]\n',
    );
    saveTemplate();
    compiler = new IncrementalCompiler(dir);
    check(compiler.build());
  },
  async after() {
    await dev?.close();
    stopMjmlWorker();
  },
  cases: [
    {
      name: 'full rebuild',
      baseline: true,
      units: 1000,
      unitName: 'defs',
      setup: () => void saveTemplate(),
      run: () => {
        const result = runPipeline(dir, { emit: true });
        check(result);
        void result.emitted!.files;
      },
    },
    {
      name: 'incremental rebuild, one template saved',
      setup: () => void saveTemplate(),
      run: () => check(compiler.build()),
    },
    {
      name: 'incremental rebuild, nothing changed',
      run: () => check(compiler.build()),
    },
    {
      name: 'save to served preview',
      async setup() {
        dev ??= await startDev({ dir, host: '127.0.0.1', port: 0, env: {}, log: () => undefined });
      },
      async run() {
        const session = dev!.session;
        const rebuilt = new Promise<void>((resolve) => {
          const off = session.onBuild((b) => {
            if (b.cause.includes('templates/bench_email.mjml')) {
              off();
              resolve();
            }
          });
        });
        const marker = saveTemplate();
        await rebuilt;
        const page = await (await fetch(`${dev!.url}templates/bench_email`, { headers: { 'X-Herald-Fragment': '1' } })).text();
        if (!page.includes(marker)) throw new Error(`the preview does not show "${marker}" after the rebuild`);
      },
    },
  ],
  targets: [
    { description: 'save to served preview under 150 ms (1,000 definitions)', check: (m) => m['save to served preview']! < 150 },
    { description: 'incremental rebuild at least 10x faster than a full one', check: (m) => m['full rebuild']! / m['incremental rebuild, one template saved']! >= 10 },
  ],
};

export default suite;
