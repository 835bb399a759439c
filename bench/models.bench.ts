/**
 * Models: training the repurchase propensity model on data the size of Online Retail (4,372
 * customers; recency, frequency, monetary, tenure and country features) and scoring 1,000,000
 * customers (normalization, batched predictions and tiers), each on TensorFlow.js's WebAssembly
 * backend and on its plain JavaScript 'cpu' backend in the same run. The baseline is scoring the
 * same million rows with a hand-written JavaScript dot product (the floor for a logistic model).
 * Targets: training under 30 s; scoring 1,000,000 customers under 10 s (WebAssembly).
 *
 * The data is generated (test/models/support/generate.ts). On the real data the same job runs
 * through `herald train` on the ingested flagship workspace.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchCase, BenchSuite } from './types.ts';
import { initBackend, type BackendName } from '../runtime/models/backend.ts';
import { InMemoryFeatureSource } from '../runtime/models/features/in-memory.ts';
import { matrix, type Matrix } from '../runtime/models/matrix.ts';
import { transform } from '../runtime/models/preprocess.ts';
import { FileModelStore } from '../runtime/models/store/fs-store.ts';
import { assignTiers } from '../runtime/models/tiers.ts';
import { predictDense, type DenseModel } from '../runtime/models/train/dense.ts';
import { trainModel } from '../runtime/models/train-model.ts';
import type { ModelArtifact } from '../runtime/models/artifact.ts';
import { seededRng } from '../runtime/models/rng.ts';
import { END, generateShop, repurchaseSpec, rfmFeatures } from '../test/models/support/generate.ts';

const CUSTOMERS = 4_372;
const SCORED = 1_000_000;

let dir = '';
let source: InMemoryFeatureSource;
let artifact: ModelArtifact | undefined;
let big: Matrix;
const spec = repurchaseSpec({ training: { seed: 7 } }); // the default 60 epochs

function trainCase(backend: BackendName): BenchCase {
  return {
    name: `train repurchase, ${CUSTOMERS} customers [${backend}]`,
    units: CUSTOMERS,
    unitName: 'customers',
    setup: async () => {
      await initBackend(backend);
    },
    run: async () => {
      // A fresh store each run: otherwise the second run finds nothing changed and skips.
      const store = new FileModelStore(mkdtempSync(join(dir, 'store-')));
      const outcome = await trainModel(spec, source, store, { asOf: new Date(END), force: true });
      artifact ??= outcome.version.artifact;
    },
  };
}

function scoreCase(backend: BackendName): BenchCase {
  return {
    name: `score ${SCORED.toLocaleString('en-US')} customers [${backend}]`,
    units: SCORED,
    unitName: 'customers',
    setup: async () => {
      await initBackend(backend);
    },
    run: () => {
      const a = artifact!;
      const x = transform(a.preprocessor!, big);
      const scores = predictDense(a.model as DenseModel, x, a.preprocessor!.outputs.length);
      assignTiers(scores, spec.tiers);
    },
  };
}

const suite: BenchSuite = {
  name: 'models',
  runs: 3,
  warmup: 1,
  async before() {
    dir = mkdtempSync(join(tmpdir(), 'herald-bench-models-'));
    const shop = generateShop({ customers: CUSTOMERS, seed: 2011 });
    // Tenure is one more feature the rules of the flagship model read.
    const rfm = rfmFeatures();
    source = new InMemoryFeatureSource(shop, rfm);
    // A million customers' raw features, drawn like the generated shop's (with missing recency).
    const rng = seededRng(99);
    big = matrix(SCORED, rfm.names.length);
    for (let i = 0; i < SCORED; i++) {
      const active = rng.next() < 0.65;
      big.data[i * 4] = active ? rng.next() * 365 : NaN;
      big.data[i * 4 + 1] = active ? Math.floor(rng.next() * 20) : 0;
      big.data[i * 4 + 2] = active ? rng.next() * 2000 : 0;
      big.data[i * 4 + 3] = rng.next() < 0.8 ? 1 : 0;
    }
    await initBackend('wasm');
    artifact = (await trainModel(spec, source, new FileModelStore(mkdtempSync(join(dir, 'store-'))), { asOf: new Date(END) })).version.artifact;
  },
  after() {
    if (dir) rmSync(dir, { recursive: true, force: true });
  },
  cases: [
    {
      name: `score ${SCORED.toLocaleString('en-US')} customers, hand-written JS dot product`,
      baseline: true,
      units: SCORED,
      unitName: 'customers',
      run: () => {
        const a = artifact!;
        const prep = a.preprocessor!;
        const layer = (a.model as DenseModel).layers[0]!;
        const cols = prep.inputs.length;
        const out = new Float64Array(SCORED);
        for (let i = 0; i < SCORED; i++) {
          let z = layer.b[0]!;
          for (let j = 0; j < cols; j++) {
            const v = big.data[i * cols + j]!;
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
    trainCase('wasm'),
    trainCase('cpu'),
  ],
  targets: [
    { description: `training on ${CUSTOMERS} customers under 30 s (wasm)`, check: (m) => m[`train repurchase, ${CUSTOMERS} customers [wasm]`]! < 30_000 },
    { description: `scoring ${SCORED.toLocaleString('en-US')} customers under 10 s (wasm)`, check: (m) => m[`score ${SCORED.toLocaleString('en-US')} customers [wasm]`]! < 10_000 },
  ],
};

export default suite;
