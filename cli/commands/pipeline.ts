import { resolve } from 'node:path';
import type { Command } from '../command.ts';
import { UsageError } from '../command.ts';
import { DB_OPTION, parseOptions, usageText, type OptionTable } from '../options.ts';
import { parseAsOf, runRuntimeCommand } from '../workspace-runtime.ts';
import { suggest } from '../../compiler/diagnostics/suggest.ts';
import { PipelineContext } from '../pipeline/context.ts';
import { formatDuration, Reporter } from '../pipeline/reporter.ts';
import { runSteps } from '../pipeline/run.ts';
import { PIPELINE_STEPS } from '../pipeline/steps/index.ts';
import { shownPath } from '../pipeline/text.ts';

const OPTIONS = {
  db: DB_OPTION,
  'as-of': { arg: 'TIME', description: 'evaluate as of this instant', default: 'the first midnight after the latest event' },
  out: { arg: 'DIR', description: 'where sample emails go', default: 'out' },
  skip: { arg: 'STEP', description: 'leave a step out (repeatable)', multiple: true },
} as const satisfies OptionTable;

const USAGE = usageText({
  name: 'pipeline',
  args: '[dir]',
  options: OPTIONS,
  about: `The main job (\`npm start\` runs it on campaigns/): every step of a workspace end to end.
${PIPELINE_STEPS.map((s, i) => `  ${i + 1}. ${s.name.padEnd(9)} ${s.summary}`).join('\n')}`,
  footer: `Run again, it reuses what is loaded: unchanged files are skipped and unchanged models are not
retrained; the counts are printed every time. Progress is drawn on a terminal; with CI=true or
no terminal the output is plain lines.
exit codes: 0 ok, 1 a step found errors in the definitions or data, 2 usage or internal error`,
});

export const pipelineCommand: Command = {
  name: 'pipeline',
  summary: 'run the whole job end to end: compile, ingest, segments, models, sample emails (npm start)',
  usage: USAGE,
  options: OPTIONS,
  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, OPTIONS);
    if (positionals.length > 1) throw new UsageError(`expected at most one workspace dir, got ${positionals.length}`);
    const skip = (values.skip as string[] | undefined) ?? [];
    for (const name of skip) {
      if (PIPELINE_STEPS.some((s) => s.name === name)) continue;
      const hint = suggest(
        name,
        PIPELINE_STEPS.map((s) => s.name),
      );
      throw new UsageError(
        `--skip ${name}: no such step${hint ? `; did you mean "${hint}"?` : ''} (steps: ${PIPELINE_STEPS.map((s) => s.name).join(', ')})`,
      );
    }
    if (skip.includes('compile')) throw new UsageError('--skip compile: every other step needs the compiled workspace');
    const flags = {
      ...(values.db !== undefined ? { db: values.db } : {}),
      ...(values['as-of'] !== undefined ? { asOf: parseAsOf(values['as-of']) } : {}),
    };
    const dir = resolve(io.cwd, positionals[0] ?? '.');
    const out = new Reporter(io);
    const ctx = new PipelineContext(io, dir, resolve(io.cwd, values.out ?? 'out'), flags, out);
    return runRuntimeCommand('pipeline', io, async () => {
      const start = Date.now();
      out.line(`herald pipeline: ${shownPath(io.cwd, dir)}`, false);
      try {
        const { exitCode, reports } = await runSteps(
          ctx,
          PIPELINE_STEPS.filter((s) => !skip.includes(s.name)),
        );
        const failed = reports.filter((r) => r.status === 'failed').map((r) => r.step);
        const notes = reports.filter((r) => r.note).map((r) => r.note);
        out.line(
          `${failed.length === 0 ? 'finished' : `finished with errors in ${failed.join(', ')}`} in ${formatDuration(Date.now() - start)}${notes.length > 0 ? `: ${notes.join(', ')}` : ''}`,
          false,
        );
        return exitCode;
      } finally {
        await ctx.close();
      }
    });
  },
};
