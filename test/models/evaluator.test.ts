import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runPipeline } from '../../compiler/index.ts';
import type { ModelJobSpec } from '../../compiler/contract/model-job.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import { compileFeatures } from '../../runtime/models/features/evaluator.ts';
import { InMemoryFeatureSource } from '../../runtime/models/features/in-memory.ts';
import { DAY, END, generateShop, rfmFeatures } from './support/generate.ts';

it('features compiled by the JS evaluator from the manifest agree with the rules written by hand', async () => {
  const manifest = runPipeline(join(import.meta.dirname, 'fixtures', 'shop'), { emit: true }).emitted!.manifest as Manifest;
  const job = manifest.definitions['Model/repurchase_90d']!.compiled as ModelJobSpec;
  const shop = generateShop({ customers: 150, seed: 4 });
  const events = shop.events.map((e, i) => ({ ...e, id: `e${i}` }));
  const cutoff = new Date(END - 90 * DAY);
  const compiled = compileFeatures(job, { dataModel: manifest.dataModel, traits: {} });
  const viaEvaluator = await new InMemoryFeatureSource({ ...shop, events }, compiled).snapshot(cutoff, { label: true });
  const byHand = await new InMemoryFeatureSource(shop, rfmFeatures()).snapshot(cutoff, { label: true });
  expect(viaEvaluator.names).toEqual(byHand.names);
  viaEvaluator.x.data.forEach((v, i) => {
    const w = byHand.x.data[i]!;
    if (Number.isNaN(w)) expect(v).toBeNaN();
    else expect(v).toBeCloseTo(w, 9);
  });
  expect(Array.from(viaEvaluator.labels!)).toEqual(Array.from(byHand.labels!));
});
