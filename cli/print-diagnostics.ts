import { appendFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Diagnostic } from '../compiler/diagnostics/diagnostic.ts';
import { formatDiagnostics, wantsColor, type LayoutName } from '../compiler/diagnostics/format/index.ts';
import type { CliIO } from './command.ts';

export interface PrintOptions {
  /** `pretty`, `json`, `github` or `sarif` (what `--format` chose), or `brief` for runtime commands. */
  format: LayoutName;
  io: CliIO;
  /** The workspace root, which diagnostics' file paths are relative to; without it paths are shown as they are. */
  root?: string;
  sources?: ReadonlyMap<string, string>;
  /** Where the text goes: stdout for validate and compile, stderr where stdout holds a command's own output. */
  to?: 'stdout' | 'stderr';
}

/**
 * The one diagnostics printer every command uses. Paths are shown relative to the current
 * directory, or for `github` and `sarif` to the repository checkout (GITHUB_WORKSPACE), which is
 * what annotations need. The github format's overflow goes to $GITHUB_STEP_SUMMARY.
 */
export function printDiagnostics(diagnostics: readonly Diagnostic[], options: PrintOptions): void {
  const { format, io, root } = options;
  const stream = options.to === 'stderr' ? io.stderr : io.stdout;
  const base = (format === 'github' || format === 'sarif') && io.env.GITHUB_WORKSPACE ? io.env.GITHUB_WORKSPACE : io.cwd;
  const displayPath =
    root === undefined
      ? undefined
      : (file: string) => {
          const rel = relative(base, join(root, file));
          return (rel === '' ? file : rel).split(sep).join('/');
        };
  const out = formatDiagnostics(format, diagnostics, {
    sources: options.sources,
    displayPath,
    color: format === 'pretty' && wantsColor(stream, io.env),
  });
  stream.write(out.text);
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
    stream.write(out.stepSummary);
  }
}
