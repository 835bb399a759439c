/**
 * `herald plan` on a 1,000-definition workspace (bench/generate-workspace.ts) with 10 changed
 * files (7 segment files, a template file, a campaign moved into the forecast week, a trait file),
 * against a SQLite database of 100,000 customers and 1,000,000 events whose segments are
 * materialized (the overlaps read them). Baseline, measured in the same run: compiling the base and
 * the head trees, the least any plan does. The plan is timed without and with its simulated week
 * (the campaign launching inside it). Target (the issue's): the whole plan in under 15 s on SQLite.
 *
 * Size: HERALD_BENCH_SCALE = full (default: 100,000 customers), small (10,000), or a number of
 * customers (events = 10x).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPipeline } from '../compiler/index.ts';
import type { Manifest } from '../compiler/contract/manifest.ts';
import { buildPlan } from '../cli/plan/build-plan.ts';
import { DEFAULT_PLAN_OPTIONS } from '../cli/plan/options.ts';
import type { PlanDocument } from '../cli/plan/document.ts';
import { exportTree } from '../cli/plan/git/export-tree.ts';
import { openRepository } from '../cli/plan/git/repository.ts';
import { openDatabase } from '../runtime/db/open.ts';
import { migrate } from '../runtime/db/migrate.ts';
import { syncSchema } from '../runtime/db/sync.ts';
import { segmentsOf, traitsOf, traitTableSpecs } from '../runtime/manifest.ts';
import { materialize } from '../runtime/segments/materialize.ts';
import { loadShop } from '../test/segments/generate-data.ts';
import { generateWorkspace } from './generate-workspace.ts';
import type { BenchSuite } from './types.ts';

const AS_OF = Date.UTC(2011, 11, 10);
const root = mkdtempSync(join(tmpdir(), 'herald-bench-plan-'));
const workspace = join(root, 'repo', 'shop');
const baseCopy = join(root, 'base');
const dbUrl = `sqlite:${join(root, 'shop.db')}`;
let last: PlanDocument | undefined;

function customers(): number {
  const s = process.env.HERALD_BENCH_SCALE ?? 'full';
  if (s === 'full') return 100_000;
  if (s === 'small') return 10_000;
  const n = Number(s);
  if (!Number.isInteger(n) || n < 100) throw new Error(`HERALD_BENCH_SCALE must be full, small or a number of customers (got "${s}")`);
  return n;
}

function compiled(dir: string): Manifest {
  const result = runPipeline(dir, { emit: true });
  if (!result.emitted) throw new Error(`${dir} does not compile: ${result.diagnostics.find((d) => d.severity === 'error')?.message}`);
  return result.emitted.manifest;
}

function git(...args: string[]): void {
  execFileSync('git', args, {
    cwd: join(root, 'repo'),
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'bench',
      GIT_AUTHOR_EMAIL: 'bench@example.test',
      GIT_COMMITTER_NAME: 'bench',
      GIT_COMMITTER_EMAIL: 'bench@example.test',
    },
  });
}

/** One edit in each of ten files: a threshold raised, a subject, a send time, a trait window. */
function changeTenFiles(): void {
  const edit = (path: string, pattern: RegExp, replace: (m: string, ...groups: string[]) => string) => {
    const file = join(workspace, path);
    const text = readFileSync(file, 'utf8');
    const next = text.replace(pattern, replace as (m: string) => string);
    if (next === text) throw new Error(`bench edit found nothing to change in ${path}`);
    writeFileSync(file, next);
  };
  for (const part of [2, 5, 8, 11, 14, 17, 20])
    edit(`segments/part_${String(part).padStart(4, '0')}.yaml`, /\) >= (\d)/, (_m, n) => `) >= ${Number(n) + 1}`);
  edit('templates/part_0000.yaml', /news for you/, () => 'news picked for you');
  edit('campaigns/part_0001.yaml', /send_at: 2011-12-01T09:00 local/, () => 'send_at: 2011-12-12T09:00 local');
  edit('traits/part_0002.yaml', /within (\d+)d/, (_m, n) => `within ${Number(n) + 30}d`);
}

/** A plan of the change against the database; `forecastDays` 0 leaves out the simulated week. */
async function plan(forecastDays: number): Promise<void> {
  const outcome = await buildPlan({
    headDir: workspace,
    baseRef: 'HEAD',
    asOf: AS_OF,
    dbFlag: dbUrl,
    dataMode: 'database',
    env: {},
    options: { ...DEFAULT_PLAN_OPTIONS, forecastDays },
    chromium: '/nonexistent',
  });
  if (outcome.kind !== 'plan') throw new Error('the head does not compile');
  const doc = outcome.document;
  if (doc.data.source !== 'database') throw new Error(`the plan did not use the database: ${doc.data.reason}`);
  if (doc.segments.every((s) => s.after === null)) throw new Error('no audience was counted');
  if (forecastDays > 0 && !doc.forecast) throw new Error(`no forecast: ${doc.notes.map((n) => n.message).join('; ')}`);
  last = doc;
}

const suite: BenchSuite = {
  name: 'plan',
  runs: 3,
  warmup: 1,
  async before() {
    generateWorkspace(workspace, { definitions: 1_000 });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-q', '-m', 'generated shop');
    const base = compiled(workspace);
    const db = openDatabase(dbUrl);
    const started = Date.now();
    await migrate(db);
    await syncSchema(db, base.dataModel, traitTableSpecs(base));
    const n = customers();
    await loadShop(db, { customers: n, events: 10 * n, asOf: AS_OF });
    // Traits and memberships as a running workspace has them: the overlaps read the memberships.
    await materialize(db, base, AS_OF);
    await db.close();
    process.stderr.write(
      `  ${n.toLocaleString('en-US')} customers loaded, ${traitsOf(base).length} traits and ${segmentsOf(base).length} segments materialized in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
    changeTenFiles();
    await exportTree(openRepository(workspace), 'HEAD', 'shop', baseCopy);
  },
  after() {
    if (last) {
      const s = last.summary;
      process.stderr.write(
        `  last plan: ${s.line}; ${last.segments.length} segments counted, ${last.templates.length} template${last.templates.length === 1 ? '' : 's'} rendered, ${last.forecast?.total ?? 0} sends forecast, ${last.risks.length} risks\n`,
      );
    }
    rmSync(root, { recursive: true, force: true });
  },
  cases: [
    {
      name: 'compile base and head (baseline)',
      baseline: true,
      run: () => {
        compiled(baseCopy);
        compiled(workspace);
      },
    },
    { name: 'herald plan without the forecast (--forecast-days 0)', run: () => plan(0) },
    { name: 'herald plan, 10 files changed, SQLite', run: () => plan(DEFAULT_PLAN_OPTIONS.forecastDays) },
  ],
  targets: [
    {
      description: 'a plan of 10 changed files on 1,000 definitions and 100,000 customers in under 15 s (SQLite)',
      check: (m) => m['herald plan, 10 files changed, SQLite']! < 15_000,
    },
  ],
};

export default suite;
