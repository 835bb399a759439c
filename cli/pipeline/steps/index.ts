import type { PipelineStep } from '../step.ts';
import { compileStep } from './compile.ts';
import { ingestStep } from './ingest.ts';
import { segmentsStep } from './segments.ts';
import { modelsStep } from './models.ts';
import { renderStep } from './render.ts';
import { journeysStep } from './journeys.ts';

/**
 * The steps of the main job, in the order they run. A new step is one file in this folder that
 * exports a PipelineStep, added here; it reads the workspace and database from the context the
 * compile step fills (ctx.manifest, ctx.db, ctx.asOf()) and prints through ctx.out.
 */
// Models before segments: segments may read score() and tier(), which `herald score` writes.
export const PIPELINE_STEPS: readonly PipelineStep[] = [compileStep, ingestStep, modelsStep, segmentsStep, renderStep, journeysStep];
