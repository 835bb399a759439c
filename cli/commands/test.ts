import { join, relative, resolve, sep } from 'node:path';
import type { Command } from '../command.ts';
import { EXIT_ERRORS, EXIT_OK, UsageError } from '../command.ts';
import { oneOf } from '../args.ts';
import { parseOptions, usageText, type OptionTable } from '../options.ts';
import { runRuntimeCommand } from '../workspace-runtime.ts';
import { printDiagnostics } from '../print-diagnostics.ts';
import { printTestResults, testJson, testJunit, type LocatedResult } from '../journeys/test-output.ts';
import { runPipeline } from '../../compiler/index.ts';
import { hasErrors } from '../../compiler/diagnostics/diagnostic.ts';
import { rangeOfPath } from '../../compiler/1-load/positions.ts';
import type { CompiledTest } from '../../compiler/contract/journey.ts';
import { runTest } from '../../runtime/journeys/tests/run-test.ts';
import { planLine } from '../../runtime/insights/planning.ts';
import { declaredExperimentPlans } from '../report/experiment-plans.ts';

const FORMATS = ['pretty', 'json', 'junit'] as const;
const OPTIONS = {
  format: { values: FORMATS, description: 'how results are printed (junit: JUnit XML for CI test reports)', default: 'pretty' },
  filter: { arg: 'TEXT', description: 'only the tests whose name contains TEXT' },
} as const satisfies OptionTable;

const USAGE = usageText({
  name: 'test',
  args: '[dir]',
  options: OPTIONS,
  about: `Runs the workspace's Test documents: each on a fresh, throwaway database holding only its given
customers and events, its journey or campaign on a simulated clock through the real outbox, and
checks what was sent, when, to whom, and what was suppressed and why. Exit code 1 when a test fails.
Splits with a minimum_effect are planned from their expected_audience and base_rate: the smallest
effect each can detect at 80% power, and warning HL397 when that is larger than minimum_effect.`,
});

/** `herald test`: time-travel tests of journeys and campaigns. */
export const testCommand: Command = {
  name: 'test',
  summary: "run the workspace's Test documents on a simulated clock",
  usage: USAGE,
  options: OPTIONS,
  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, OPTIONS);
    if (positionals.length > 1) throw new UsageError(`expected at most one workspace dir, got ${positionals.length}`);
    const format = oneOf('format', values.format, FORMATS, 'pretty');
    return runRuntimeCommand('test', io, async () => {
      const dir = resolve(io.cwd, positionals[0] ?? '.');
      const pipeline = runPipeline(dir, { emit: true });
      printDiagnostics(pipeline.diagnostics, { format: 'brief', io, to: 'stderr' });
      if (hasErrors(pipeline.diagnostics) || !pipeline.emitted) {
        io.stderr.write('the workspace has errors (above); fix them and run again\n');
        return EXIT_ERRORS;
      }
      const manifest = pipeline.emitted.manifest;
      const display = (file: string) => relative(io.cwd, join(pipeline.loaded.root, file)).split(sep).join('/') || file;
      const tests = Object.values(manifest.definitions)
        .filter((d) => d.kind === 'Test' && d.compiled !== undefined)
        .filter((d) => values.filter === undefined || d.name.includes(values.filter));
      const results: LocatedResult[] = [];
      for (const def of tests) {
        const result = await runTest(manifest, def.compiled as CompiledTest);
        const doc = pipeline.analyzed?.definitions.get(`Test/${def.name}`)?.doc;
        const at = (path: Array<string | number>) => {
          const start = doc ? rangeOfPath(doc, path).start : undefined;
          return { file: display(def.file), line: start?.line ?? 1, column: start?.column ?? 1 };
        };
        results.push({
          result,
          file: display(def.file),
          where: at(['metadata', 'name']),
          failureAt: (index) => at(['spec', 'expect', index]),
        });
      }
      // In the order they are written: by file, then by line.
      results.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.where.line - b.where.line));
      const experiments = declaredExperimentPlans(manifest, (spec, key) => {
        const def = manifest.definitions[`${spec.kind === 'journey' ? 'Journey' : 'Campaign'}/${spec.name}`]!;
        const doc = pipeline.analyzed?.definitions.get(`${def.kind}/${def.name}`)?.doc;
        return { file: display(def.file), ...(doc ? { range: rangeOfPath(doc, [...spec.path, key]) } : {}) };
      });
      if (format === 'json') io.stdout.write(`${JSON.stringify({ ...testJson(results), experiments: experiments.plans }, null, 2)}\n`);
      else if (format === 'junit') io.stdout.write(testJunit(results));
      else {
        printTestResults(io, results, values.filter);
        for (const plan of experiments.plans) io.stdout.write(`experiment ${planLine(plan)}\n`);
        for (const line of experiments.missing) io.stdout.write(`experiment ${line}\n`);
      }
      for (const d of experiments.diagnostics)
        io.stderr.write(
          `${d.file}${d.range ? `:${d.range.start.line}:${d.range.start.column}` : ''}: ${d.severity}[${d.code}]: ${d.message}\n  help: ${d.help}\n`,
        );
      return results.every((r) => r.result.passed) ? EXIT_OK : EXIT_ERRORS;
    });
  },
};
