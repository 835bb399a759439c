/**
 * Models on the real Online Retail data. `before` loads the flagship workspace (campaigns/: the
 * Online Retail invoices and the generated browsing and profiles) into a fresh SQLite file, as
 * `herald ingest campaigns` does. Then:
 *
 * - training the flagship repurchase_90d model end to end, as `herald train` does: the feature
 *   and label SQL of every backtest fold, the fits and baselines per fold, the bootstrap intervals,
 *   the report. Once on TensorFlow.js's WebAssembly backend and once on its plain JavaScript 'cpu'
 *   backend;
 * - training all four flagship models with their backtests (wall time and CPU time: the machine
 *   may be shared, and CPU time is what two free cores would need);
 * - the feature SQL alone (what training spends outside TensorFlow.js);
 * - scoring 1,000,000 customers with the trained model (normalization, batched predictions,
 *   tiers), on both backends, beside the baseline: the same scores from a hand-written JavaScript
 *   dot product, the floor for a logistic model. The million rows are drawn, with a seed, from the
 *   real customers' feature rows.
 *
 * Targets: training repurchase_90d under 30 s; all four flagship models with backtests under 60 s
 * (CPU time); scoring 1,000,000 customers under 10 s (WebAssembly).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchCase, BenchSuite } from './types.ts';
import { runPipeline } from '../compiler/index.ts';
import type { ModelJobSpec } from '../compiler/contract/model-job.ts';
import type { Manifest } from '../compiler/contract/manifest.ts';
import type { Database } from '../runtime/db/database.ts';
import { migrate } from '../runtime/db/migrate.ts';
import { openDatabase } from '../runtime/db/open.ts';
import { syncSchema } from '../runtime/db/sync.ts';
import { ingestWorkspace } from '../runtime/ingest/index.ts';
import { traitTableSpecs } from '../runtime/manifest.ts';
import type { ModelArtifact } from '../runtime/models/artifact.ts';
import { initBackend, type BackendName } from '../runtime/models/backend.ts';
import { SqlFeatureSource } from '../runtime/models/features/sql.ts';
import { matrix, type Matrix } from '../runtime/models/matrix.ts';
import { transform } from '../runtime/models/preprocess.ts';
import { seededRng } from '../runtime/models/rng.ts';
import { FileModelStore } from '../runtime/models/store/fs-store.ts';
import { assignTiers } from '../runtime/models/tiers.ts';
import { predictDense, type DenseModel } from '../runtime/models/train/dense.ts';
import { trainModel } from '../runtime/models/train-model.ts';
import { CpuTimes } from './cpu-time.ts';

const ROOT = join(import.meta.dirname, '..', 'campaigns');
const MODEL = 'repurchase_90d';
const SCORED = 1_000_000;
const TRAIN = (backend: BackendName) => `train ${MODEL} on Online Retail [${backend}]`;
const SCORE = (backend: BackendName) => `score ${SCORED.toLocaleString('en-US')} customers [${backend}]`;

let work = '';
let db: Database;
let manifest: Manifest;
let spec: ModelJobSpec;
let artifact: ModelArtifact;
let big: Matrix;

const source = () => new SqlFeatureSource(db, manifest, spec);
const ALL = 'train all four flagship models with backtests [wasm]';
const cpu = new CpuTimes();

function trainCase(backend: BackendName): BenchCase {
  return {
    name: TRAIN(backend),
    group: 'train',
    setup: async () => {
      await initBackend(backend);
    },
    run: async () => {
      // A fresh store each run: otherwise the second run finds nothing changed and skips.
      const store = new FileModelStore(mkdtempSync(join(work, 'store-')));
      await trainModel(spec, source(), store, { force: true });
    },
  };
}

function scoreCase(backend: BackendName): BenchCase {
  return {
    name: SCORE(backend),
    group: 'score',
    units: SCORED,
    unitName: 'customers',
    setup: async () => {
      await initBackend(backend);
    },
    run: () => {
      const x = transform(artifact.preprocessor!, big);
      const scores = predictDense(artifact.model as DenseModel, x, artifact.preprocessor!.outputs.length);
      assignTiers(scores, spec.tiers);
    },
  };
}

const suite: BenchSuite = {
  name: 'models',
  runs: 3,
  warmup: 1,
  async before() {
    work = mkdtempSync(join(tmpdir(), 'herald-bench-models-'));
    const compiled = runPipeline(ROOT, { emit: true });
    if (!compiled.emitted) throw new Error(`campaigns/ does not compile: ${compiled.diagnostics.map((d) => d.message).join('; ')}`);
    manifest = compiled.emitted.manifest as Manifest;
    spec = manifest.definitions[`Model/${MODEL}`]!.compiled as ModelJobSpec;
    db = openDatabase(`sqlite:${join(work, 'online_retail.db')}`);
    await migrate(db);
    await syncSchema(db, manifest.dataModel, traitTableSpecs(manifest));
    const started = performance.now();
    const loaded = await ingestWorkspace({ db, manifest, root: ROOT });
    process.stderr.write(
      `  loaded campaigns/ (${loaded.totals.eventsInserted} events) in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
    );
    await initBackend('wasm');
    const trained = await trainModel(spec, source(), new FileModelStore(mkdtempSync(join(work, 'store-'))));
    artifact = trained.version.artifact;
    const m = trained.version.metrics;
    process.stderr.write(
      `  ${MODEL}: AUC ${m.auc!.toFixed(4)} (best single feature ${trained.version.baseline.metrics.auc!.toFixed(4)}, RFM reference ${trained.version.reference?.metrics.auc?.toFixed(4)})\n`,
    );
    // A million customers' raw feature rows, drawn with a seed from the real ones (as of now).
    const real = await source().snapshot((await source().dataEnd())!, { label: false, knownOnly: true });
    const rng = seededRng(99);
    big = matrix(SCORED, real.x.cols);
    for (let i = 0; i < SCORED; i++) {
      const from = rng.int(real.x.rows) * real.x.cols;
      big.data.set(real.x.data.subarray(from, from + real.x.cols), i * real.x.cols);
    }
  },
  async after() {
    await db?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  },
  cases: [
    {
      name: `score ${SCORED.toLocaleString('en-US')} customers, hand-written JS dot product`,
      baseline: true,
      group: 'score',
      units: SCORED,
      unitName: 'customers',
      run: () => {
        const prep = artifact.preprocessor!;
        const layer = (artifact.model as DenseModel).layers[0]!;
        const cols = prep.inputs.length;
        const logged = new Set(prep.logged ?? []);
        const out = new Float64Array(SCORED);
        for (let i = 0; i < SCORED; i++) {
          let z = layer.b[0]!;
          for (let j = 0; j < cols; j++) {
            let v = big.data[i * cols + j]!;
            if (Number.isFinite(v) && logged.has(j)) v = Math.log1p(Math.max(0, v));
            z += (Number.isFinite(v) ? (v - prep.means[j]!) / prep.stds[j]! : 0) * layer.w[j]!;
          }
          prep.flagged.forEach((j, f) => {
            if (!Number.isFinite(big.data[i * cols + j]!)) z += layer.w[cols + f]!;
          });
          out[i] = 1 / (1 + Math.exp(-z));
        }
        assignTiers(out, spec.tiers);
      },
    },
    scoreCase('wasm'),
    scoreCase('cpu'),
    {
      name: `the feature and label SQL alone (the snapshot at the cut-off)`,
      run: async () => {
        const end = (await source().dataEnd())!;
        await source().snapshot(new Date(end.getTime() - spec.label!.horizonMs), { label: true, knownOnly: true });
      },
    },
    trainCase('wasm'),
    trainCase('cpu'),
    {
      name: ALL,
      group: 'all',
      setup: async () => {
        await initBackend('wasm');
      },
      run: () =>
        cpu.time(ALL, async () => {
          const store = new FileModelStore(mkdtempSync(join(work, 'store-')));
          const jobs = Object.values(manifest.definitions)
            .filter((d) => d.kind === 'Model')
            .map((d) => d.compiled as ModelJobSpec);
          for (const job of jobs) await trainModel(job, new SqlFeatureSource(db, manifest, job), store, { force: true });
        }),
    },
  ],
  targets: [
    { description: `training ${MODEL} on the full Online Retail data under 30 s (wasm)`, check: (m) => m[TRAIN('wasm')]! < 30_000 },
    { description: `scoring ${SCORED.toLocaleString('en-US')} customers under 10 s (wasm)`, check: (m) => m[SCORE('wasm')]! < 10_000 },
    {
      description: 'training all four flagship models with backtests under 60 s of CPU (two free cores would need no more)',
      check: () => cpu.median(ALL, 1) < 60_000,
      detail: (m) => `CPU median ${(cpu.median(ALL, 1) / 1000).toFixed(1)} s, wall median ${(m[ALL]! / 1000).toFixed(1)} s`,
    },
    {
      description: 'WebAssembly against the plain CPU backend, same run',
      check: (m) => Number.isFinite(m[SCORE('wasm')]! / m[SCORE('cpu')]!) && Number.isFinite(m[TRAIN('wasm')]! / m[TRAIN('cpu')]!),
      detail: (m) =>
        `scoring: wasm ${(m[SCORE('cpu')]! / m[SCORE('wasm')]!).toFixed(2)}x as fast as cpu; training: wasm ${(m[TRAIN('cpu')]! / m[TRAIN('wasm')]!).toFixed(2)}x as fast as cpu`,
    },
  ],
};

export default suite;
