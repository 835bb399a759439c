import { resolve } from 'node:path';
import { runPipeline, type PipelineResult } from '../../compiler/index.ts';
import { hasErrors, sortDiagnostics, type Diagnostic } from '../../compiler/diagnostics/diagnostic.ts';
import { untrainedModelWarnings } from '../model-readiness.ts';
import { FORMATS } from '../../compiler/diagnostics/format/index.ts';
import { printDiagnostics } from '../print-diagnostics.ts';
import { oneOf } from '../args.ts';
import { parseOptions, usageText, type OptionTable } from '../options.ts';
import { EXIT_ERRORS, EXIT_OK, EXIT_USAGE, UsageError, type Command } from '../command.ts';

const OPTIONS = {
  format: { values: FORMATS, description: 'how diagnostics are printed', default: 'pretty' },
} as const satisfies OptionTable;

const USAGE = usageText({
  name: 'validate',
  args: '[dir]',
  options: OPTIONS,
  about: `Loads, validates and analyzes the workspace in dir (default: the current directory) and prints
every diagnostic. Exit code 0 when there are no errors (warnings allowed), 1 when the definitions
have errors, 2 for a usage error or a workspace that cannot be found.`,
});

/** Codes that mean "that is not a workspace": a usage problem rather than a problem in definitions. */
const NOT_A_WORKSPACE = new Set(['HL101', 'HL102']);

export const validateCommand: Command = {
  name: 'validate',
  summary: 'load, validate and analyze a workspace',
  usage: USAGE,
  options: OPTIONS,
  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, OPTIONS);
    const format = oneOf('format', values.format, FORMATS, 'pretty');
    if (positionals.length > 1) throw new UsageError(`expected at most one workspace folder, got ${positionals.length}`);
    const dir = resolve(io.cwd, positionals[0] ?? '.');
    const result = runPipeline(dir, { emit: false });
    const diagnostics = await withModelWarnings(result, io.env);
    printDiagnostics(diagnostics, { format, io, root: result.loaded.root, sources: sourcesOf(result) });
    if (result.diagnostics.some((d) => NOT_A_WORKSPACE.has(d.code))) return EXIT_USAGE;
    return hasErrors(result.diagnostics) ? EXIT_ERRORS : EXIT_OK;
  },
};

/** The pipeline's diagnostics and, when it found no errors, HL442 for models the database has not trained. */
export async function withModelWarnings(result: PipelineResult, env: NodeJS.ProcessEnv): Promise<Diagnostic[]> {
  if (hasErrors(result.diagnostics)) return result.diagnostics;
  const warnings = await untrainedModelWarnings(result, env);
  return warnings.length === 0 ? result.diagnostics : sortDiagnostics([...result.diagnostics, ...warnings]);
}

export function sourcesOf(result: PipelineResult): Map<string, string> {
  return new Map(result.loaded.files.map((f) => [f.path, f.text]));
}
