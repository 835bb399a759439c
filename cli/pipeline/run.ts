import { EXIT_OK } from '../command.ts';
import type { PipelineContext } from './context.ts';
import { formatDuration } from './reporter.ts';
import type { PipelineStep } from './step.ts';

export interface StepReport {
  step: string;
  status: 'ok' | 'failed' | 'skipped';
  exitCode: number;
  ms: number;
  note?: string;
}

/**
 * Runs the steps in order, each under a numbered heading and timed. A failed step is reported and
 * the job goes on (later steps may still work, and the exit code says it failed) unless it asks
 * to stop; a step that does not apply says why. The exit code is the first failure's.
 */
export async function runSteps(
  ctx: PipelineContext,
  steps: readonly PipelineStep[],
  clock: () => number = Date.now,
): Promise<{ exitCode: number; reports: StepReport[] }> {
  const reports: StepReport[] = [];
  let exitCode = EXIT_OK;
  for (const [i, step] of steps.entries()) {
    ctx.out.heading(i + 1, steps.length, step.name);
    const skip = step.skipReason?.(ctx);
    if (skip) {
      ctx.out.line(`skipped: ${skip}`);
      reports.push({ step: step.name, status: 'skipped', exitCode: EXIT_OK, ms: 0 });
      continue;
    }
    if (step.evaluatesAsOf && !ctx.isolated && (await ctx.enterAsOf())) {
      ctx.out.line(`--as-of: from here on the job works on ${ctx.db.description}; the database's own timeline is left as it was`);
    }
    const start = clock();
    const outcome = await step.run(ctx);
    const ms = clock() - start;
    const report: StepReport = { step: step.name, status: outcome.exitCode === EXIT_OK ? 'ok' : 'failed', exitCode: outcome.exitCode, ms };
    if (outcome.note) report.note = outcome.note;
    reports.push(report);
    ctx.out.line(`${report.status === 'ok' ? 'done' : 'failed'} in ${formatDuration(ms)}`);
    if (outcome.exitCode !== EXIT_OK && exitCode === EXIT_OK) exitCode = outcome.exitCode;
    if (outcome.stop) break;
  }
  return { exitCode, reports };
}
