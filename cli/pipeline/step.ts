import type { PipelineContext } from './context.ts';

/**
 * One step of the main job (`herald pipeline`). Steps run in the order of steps/index.ts; each
 * prints its own result lines through `ctx.out` and returns how it went.
 */
export interface PipelineStep {
  /** Short name, shown in the heading and accepted by `--skip`. */
  name: string;
  /** What it does, one line (for `herald pipeline --help`). */
  summary: string;
  /** Why the step has nothing to do in this workspace (shown as skipped), or undefined to run it. */
  skipReason?(ctx: PipelineContext): string | undefined;
  /** The step evaluates as of the job's instant: under `--as-of` it runs on a scratch copy (time-travel.ts). */
  evaluatesAsOf?: boolean;
  run(ctx: PipelineContext): Promise<StepOutcome>;
}

export interface StepOutcome {
  /** 0 ok, 1 the definitions or data have errors, 2 usage or internal error (the CLI's codes). */
  exitCode: number;
  /** When true, the job stops here (nothing after this step can work). */
  stop?: boolean;
  /** A few words for the closing summary, e.g. `7 segments`. */
  note?: string;
}
