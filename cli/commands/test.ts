import { join, relative, resolve, sep } from 'node:path';
import type { Command } from '../command.ts';
import { EXIT_ERRORS, EXIT_OK, UsageError } from '../command.ts';
import { oneOf, parseCommandArgs } from '../args.ts';
import { runRuntimeCommand } from '../workspace-runtime.ts';
import { printDiagnostics } from '../print-diagnostics.ts';
import { printTestResults, testJson, testJunit, type LocatedResult } from '../journeys/test-output.ts';
import { runPipeline } from '../../compiler/index.ts';
import { hasErrors } from '../../compiler/diagnostics/diagnostic.ts';
import { rangeOfPath } from '../../compiler/1-load/positions.ts';
import type { CompiledTest } from '../../compiler/contract/journey.ts';
import { runTest } from '../../runtime/journeys/tests/run-test.ts';

const USAGE = `herald test [dir] [--format pretty|json|junit] [--filter TEXT]

Runs the workspace's Test documents: each on a fresh, throwaway database holding only its given
customers and events, its journey or campaign on a simulated clock through the real outbox, and
checks what was sent, when, to whom, and what was suppressed and why. Exit code 1 when a test fails.

  --format FORMAT   pretty (default), json, or junit (JUnit XML for CI test reports)
  --filter TEXT     only the tests whose name contains TEXT`;

const FORMATS = ['pretty', 'json', 'junit'] as const;

/** `herald test`: time-travel tests of journeys and campaigns. */
export const testCommand: Command = {
  name: 'test',
  summary: "run the workspace's Test documents on a simulated clock",
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, { filter: { type: 'string' } });
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
        results.push({ result, file: display(def.file), where: at(['metadata', 'name']), failureAt: (index) => at(['spec', 'expect', index]) });
      }
      // In the order they are written: by file, then by line.
      results.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.where.line - b.where.line));
      if (format === 'json') io.stdout.write(`${JSON.stringify(testJson(results), null, 2)}\n`);
      else if (format === 'junit') io.stdout.write(testJunit(results));
      else printTestResults(io, results, values.filter);
      return results.every((r) => r.result.passed) ? EXIT_OK : EXIT_ERRORS;
    });
  },
};
