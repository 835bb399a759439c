import { appendFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { runPipeline, type PipelineResult } from '../../compiler/index.ts';
import { hasErrors, sortDiagnostics, type Diagnostic } from '../../compiler/diagnostics/diagnostic.ts';
import { untrainedModelWarnings } from '../model-readiness.ts';
import { FORMATS, formatDiagnostics, wantsColor, type FormatName } from '../../compiler/diagnostics/format/index.ts';
import { oneOf, parseCommandArgs } from '../args.ts';
import { EXIT_ERRORS, EXIT_OK, EXIT_USAGE, UsageError, type CliIO, type Command } from '../command.ts';

const USAGE = `herald validate [dir] [--format pretty|json|github|sarif]

Loads, validates and analyzes the workspace in dir (default: the current directory) and prints
every diagnostic. Exit code 0 when there are no errors (warnings allowed), 1 when the definitions
have errors, 2 for a usage error or a workspace that cannot be found.`;

/** Codes that mean "that is not a workspace": a usage problem rather than a problem in definitions. */
const NOT_A_WORKSPACE = new Set(['HL101', 'HL102']);

export const validateCommand: Command = {
  name: 'validate',
  summary: 'load, validate and analyze a workspace',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {});
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

export interface PrintOptions {
  format: FormatName;
  io: CliIO;
  /** The workspace root, which diagnostics' file paths are relative to. */
  root: string;
  sources: ReadonlyMap<string, string>;
}

/**
 * Prints diagnostics in the chosen format (for any command that reports them). Paths are shown
 * relative to the current directory, or for `github` and `sarif` to the repository checkout (GITHUB_WORKSPACE),
 * which is what annotations need. The github format's overflow goes to $GITHUB_STEP_SUMMARY.
 */
export function printDiagnostics(diagnostics: readonly Diagnostic[], options: PrintOptions): void {
  const { format, io, root } = options;
  const base = (format === 'github' || format === 'sarif') && io.env.GITHUB_WORKSPACE ? io.env.GITHUB_WORKSPACE : io.cwd;
  const displayPath = (file: string) => {
    const rel = relative(base, join(root, file));
    return (rel === '' ? file : rel).split(sep).join('/');
  };
  const out = formatDiagnostics(format, diagnostics, { sources: options.sources, displayPath, color: format === 'pretty' && wantsColor(io.stdout, io.env) });
  io.stdout.write(out.text);
  if (out.stepSummary !== undefined) {
    const summaryFile = io.env.GITHUB_STEP_SUMMARY;
    if (summaryFile) {
      try {
        appendFileSync(summaryFile, `${out.stepSummary}\n`);
        return;
      } catch (e) {
        io.stderr.write(`herald: cannot append to GITHUB_STEP_SUMMARY (${(e as Error).message}); printing the rest here\n`);
      }
    }
    io.stdout.write(out.stepSummary);
  }
}
