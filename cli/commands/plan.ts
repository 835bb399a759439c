import { resolve } from 'node:path';
import type { Command } from '../command.ts';
import { EXIT_ERRORS, EXIT_OK, UsageError } from '../command.ts';
import { oneOf } from '../args.ts';
import { parseOptions, usageText, type OptionTable } from '../options.ts';
import { parseAsOf, runRuntimeCommand } from '../workspace-runtime.ts';
import { printDiagnostics } from '../print-diagnostics.ts';
import { wantsColor } from '../../compiler/diagnostics/format/index.ts';
import { writePlanFiles } from '../plan/artifacts.ts';
import { buildPlan } from '../plan/build-plan.ts';
import { DATA_MODES } from '../plan/data/open-data.ts';
import { PlanInputError } from '../plan/errors.ts';
import { failureDiagnostic } from '../failure.ts';
import { DEFAULT_CHROMIUM } from '../browser.ts';
import { planMarkdown } from '../plan/format/markdown.ts';
import { planPretty } from '../plan/format/pretty.ts';
import { DEFAULT_PLAN_OPTIONS, type PlanOptions } from '../plan/options.ts';

const FORMATS = ['pretty', 'markdown', 'json'] as const;

/** `--detailed-exitcode`: the plan has changes (as `terraform plan -detailed-exitcode`). */
export const EXIT_CHANGES = 3;

const OPTIONS = {
  base: { arg: 'REF', description: 'the commit to compare with: a branch, tag, origin/main, HEAD~1, a hash', required: true },
  db: { arg: 'URL', description: 'count audiences here', default: 'HERALD_DATABASE_URL, then herald.yaml' },
  data: {
    values: DATA_MODES,
    arg: 'MODE',
    description:
      "auto: the database when it exists and holds customers, else the workspace's sample data (its Sources loaded into a throwaway SQLite file); database; sample; none (definitions only)",
    default: 'auto',
  },
  'as-of': { arg: 'TIME', description: 'evaluate as of this instant', default: 'now; on sample data, its latest event' },
  format: { values: FORMATS, description: 'how the plan is printed (markdown: a pull-request comment)', default: 'pretty' },
  out: { arg: 'DIR', description: 'write plan.json, plan.md (full), comment.md and screenshots/ into DIR' },
  'detailed-exitcode': { description: 'exit 0 when nothing changes, 3 when something does, 1 on errors' },
  'max-audience-change': { arg: 'PCT', description: 'flag a segment growing or shrinking by more than PCT percent', default: '20' },
  'max-first-day-sends': { arg: 'N', description: 'flag a journey or campaign emailing more than N on its first day', default: '10000' },
  'forecast-days': { arg: 'N', description: 'simulate the changed journeys and campaigns for N days; 0: no forecast', default: '7' },
  'full-plan-url': { arg: 'URL', description: 'where the full plan is, named when the comment had to be shortened' },
} as const satisfies OptionTable;

const USAGE = usageText({
  name: 'plan',
  args: '[dir]',
  options: OPTIONS,
  about: `What a change does: compiles the workspace at the base ref (read from git, the working tree is
not touched) and in the working tree, and shows what changes for customers: definitions added,
changed, removed or renamed and what uses them, audience sizes before and after with who enters
and leaves, consent and suppressions, rendered emails before and after, journey diagrams with the
changed steps marked, a simulated week of sends, and risks to look at.`,
  footer: `Personal data is never shown: customers are counted, or shown as masked ids, and rendered evidence
uses placeholders for personal fields. Nothing is written to the database.`,
});

export const planCommand: Command = {
  name: 'plan',
  summary: 'what a change does, for a pull request',
  usage: USAGE,
  options: OPTIONS,
  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, OPTIONS);
    if (positionals.length > 1) throw new UsageError(`expected at most one workspace dir, got ${positionals.length}`);
    if (values.base === undefined || values.base.trim() === '')
      throw new UsageError('--base REF is required: the commit to compare the working tree with (e.g. --base origin/main)');
    const format = oneOf('format', values.format, FORMATS, 'pretty');
    const dataMode = oneOf('data', values.data, DATA_MODES, 'auto');
    const asOf = values['as-of'] === undefined ? undefined : parseAsOf(values['as-of']);
    const options: PlanOptions = {
      ...DEFAULT_PLAN_OPTIONS,
      maxAudienceChange: percentFlag('max-audience-change', values['max-audience-change'], DEFAULT_PLAN_OPTIONS.maxAudienceChange),
      maxFirstDaySends: countFlag('max-first-day-sends', values['max-first-day-sends'], DEFAULT_PLAN_OPTIONS.maxFirstDaySends),
      forecastDays: countFlag('forecast-days', values['forecast-days'], DEFAULT_PLAN_OPTIONS.forecastDays),
    };
    const outDir = values.out === undefined ? undefined : resolve(io.cwd, values.out);
    const markdownOptions = values['full-plan-url'] ? { fullPlan: values['full-plan-url'] } : {};

    return runRuntimeCommand('plan', io, async () => {
      let outcome;
      try {
        outcome = await buildPlan({
          headDir: resolve(io.cwd, positionals[0] ?? '.'),
          baseRef: values.base!,
          ...(asOf !== undefined ? { asOf } : {}),
          ...(values.db !== undefined ? { dbFlag: values.db } : {}),
          dataMode,
          env: io.env,
          options,
          ...(outDir ? { outDir } : {}),
          chromium: io.env.HERALD_CHROMIUM || DEFAULT_CHROMIUM,
          // Progress on a terminal only: in CI, stderr stays for what went wrong.
          ...(io.stderr.isTTY ? { onProgress: (step: string) => io.stderr.write(`herald plan: ${step}…\n`) } : {}),
        });
      } catch (e) {
        if (!(e instanceof PlanInputError)) throw e;
        const failure = failureDiagnostic(e);
        printDiagnostics(failure ? [failure] : [], { format: 'lines', io, to: 'stderr' });
        return EXIT_ERRORS;
      }
      if (outcome.kind === 'head-errors') {
        printDiagnostics(outcome.head.diagnostics, { format: 'brief', io, to: 'stderr' });
        io.stderr.write('error[HL394]: the working tree does not compile (errors above): there is no plan to show until it does\n');
        return EXIT_ERRORS;
      }
      const doc = outcome.document;
      if (format === 'json') io.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
      else if (format === 'markdown') io.stdout.write(planMarkdown(doc, markdownOptions));
      else io.stdout.write(planPretty(doc, { color: wantsColor(io.stdout, io.env) }));
      if (outDir) {
        const written = writePlanFiles(outDir, doc, markdownOptions);
        io.stderr.write(`plan written to ${written.json}, ${written.markdown} and ${written.comment}\n`);
      }
      return values['detailed-exitcode'] && doc.changes ? EXIT_CHANGES : EXIT_OK;
    });
  },
};

function percentFlag(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value.trim().replace(/%$/, ''));
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${flag} must be a percentage such as 20 (got "${value}")`);
  return n / 100;
}

function countFlag(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value.trim().replace(/[,_]/g, ''));
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${flag} must be a whole number (got "${value}")`);
  return n;
}
