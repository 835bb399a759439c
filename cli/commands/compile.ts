import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import type { Command } from '../command.ts';
import { EXIT_ERRORS, EXIT_OK, EXIT_USAGE, UsageError } from '../command.ts';
import { oneOf } from '../args.ts';
import { parseOptions, usageText, type OptionTable } from '../options.ts';
import { runPipeline } from '../../compiler/index.ts';
import { hasErrors } from '../../compiler/diagnostics/diagnostic.ts';
import { FORMATS } from '../../compiler/diagnostics/format/index.ts';
import { sourcesOf, withModelWarnings } from './validate.ts';
import { printDiagnostics } from '../print-diagnostics.ts';

const OPTIONS = {
  out: { arg: 'DIR', description: 'where to write the build; replaced as a whole', default: '<dir>/build' },
  format: { values: FORMATS, description: 'how diagnostics are printed', default: 'pretty' },
} as const satisfies OptionTable;
const USAGE = usageText({
  name: 'compile',
  args: '[dir]',
  options: OPTIONS,
  about:
    'Loads, validates, analyzes and emits the workspace in dir (default: the current directory) into its build\nfolder: the manifest, SQL, templates and jobs. A failed compile leaves the previous build as it was.',
});
/** Codes that mean "that is not a workspace": a usage problem, as in `validate`. */
const NOT_A_WORKSPACE = new Set(['HL101', 'HL102']);

/**
 * `herald compile`: load, validate, analyze and emit, then write build/ atomically: the files go to
 * a temporary folder beside the target, which replaces the target in one rename. A failed compile
 * leaves the previous build as it was. Set SOURCE_DATE_EPOCH to record a build time in the manifest.
 */
export const compileCommand: Command = {
  name: 'compile',
  summary: 'compile a workspace into build/ (manifest, SQL, templates, jobs)',
  usage: USAGE,
  options: OPTIONS,
  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, OPTIONS);
    if (positionals.length > 1) throw new UsageError(`expected at most one workspace dir, got ${positionals.length}`);
    const format = oneOf('format', values.format, FORMATS, 'pretty');
    const dir = resolve(io.cwd, positionals[0] ?? '.');
    const outDir = values.out !== undefined ? resolve(io.cwd, values.out) : join(dir, 'build');
    const generatedAt = generatedAtFromEnv(io.env.SOURCE_DATE_EPOCH);
    checkOutDir(dir, outDir);

    const result = runPipeline(dir, { emit: true, generatedAt });
    const ok = !hasErrors(result.diagnostics) && result.emitted !== undefined;
    if (ok) writeBuildAtomically(outDir, result.emitted!.files);
    printDiagnostics(await withModelWarnings(result, io.env), { format, io, root: result.loaded.root, sources: sourcesOf(result) });
    if (result.diagnostics.some((d) => NOT_A_WORKSPACE.has(d.code))) return EXIT_USAGE;
    // The status line goes to stdout only in pretty format, so json, github and sarif stay parseable.
    const status = format === 'pretty' ? io.stdout : io.stderr;
    if (ok) {
      const defs = Object.keys(result.emitted!.manifest.definitions).length;
      const shownOut = (relative(io.cwd, outDir) || '.').split(sep).join('/');
      status.write(`compiled ${defs} definition${defs === 1 ? '' : 's'} into ${shownOut}/ (${result.emitted!.files.size} files)\n`);
    } else {
      status.write('nothing written: fix the errors and compile again\n');
    }
    return ok ? EXIT_OK : EXIT_ERRORS;
  },
};

/** SOURCE_DATE_EPOCH (seconds since 1970, the reproducible-builds convention) as ISO 8601. */
function generatedAtFromEnv(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`SOURCE_DATE_EPOCH must be a whole number of seconds (got "${value}")`);
  return new Date(Number(value) * 1000).toISOString();
}

/** The output folder is replaced as a whole: refuse anything that is not clearly a build folder. */
function checkOutDir(workspace: string, outDir: string): void {
  const inside = (child: string, parent: string) => child === parent || child.startsWith(parent.endsWith(sep) ? parent : parent + sep);
  if (inside(workspace, outDir)) throw new UsageError(`--out ${outDir} holds the workspace itself; choose a folder of its own`);
  if (!existsSync(outDir)) return;
  if (!statSync(outDir).isDirectory()) throw new UsageError(`--out ${outDir} exists and is not a folder`);
  const entries = readdirSync(outDir);
  if (entries.length > 0 && !entries.includes('manifest.json')) {
    throw new UsageError(`refusing to replace ${outDir}: it is not empty and holds no manifest.json (not a Herald build)`);
  }
}

/** Writes every file into a fresh folder beside `outDir`, then swaps it in with renames. */
export function writeBuildAtomically(outDir: string, files: ReadonlyMap<string, string>): void {
  const parent = dirname(outDir);
  mkdirSync(parent, { recursive: true });
  const staging = mkdtempSync(join(parent, `.${basename(outDir)}.tmp-`));
  let previous: string | undefined;
  try {
    for (const [path, content] of files) {
      const target = join(staging, ...path.split('/'));
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, content);
    }
    if (existsSync(outDir)) {
      previous = `${staging}-previous`;
      renameSync(outDir, previous);
    }
    renameSync(staging, outDir);
  } catch (e) {
    if (previous && !existsSync(outDir)) renameSync(previous, outDir);
    rmSync(staging, { recursive: true, force: true });
    throw e;
  }
  if (previous) rmSync(previous, { recursive: true, force: true });
}
