import { join } from 'node:path';
import { EXIT_ERRORS, EXIT_OK } from '../../command.ts';
import { runPipeline } from '../../../compiler/index.ts';
import { hasErrors } from '../../../compiler/diagnostics/diagnostic.ts';
import type { Manifest } from '../../../compiler/contract/manifest.ts';
import { writeBuildAtomically } from '../../commands/compile.ts';
import { openWorkspace } from '../../workspace-runtime.ts';
import { printDiagnostics } from '../../print-diagnostics.ts';
import type { PipelineStep } from '../step.ts';
import { plural, shownPath } from '../text.ts';

/**
 * Validates and compiles the workspace (errors in full, then a one-line summary), writes build/
 * as `herald compile` does, and opens the database with its schema brought up to date.
 */
export const compileStep: PipelineStep = {
  name: 'compile',
  summary: 'validate and compile the workspace into build/, open the database',
  async run(ctx) {
    const result = runPipeline(ctx.dir, { emit: true });
    const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
    const warnings = result.diagnostics.filter((d) => d.severity === 'warning').length;
    printDiagnostics(result.diagnostics, { format: 'brief', io: ctx.io, to: 'stderr' });
    const files = result.loaded.files.length;
    if (hasErrors(result.diagnostics) || !result.emitted) {
      ctx.out.line(`${files} files: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}; nothing else runs until they are fixed`);
      return { exitCode: EXIT_ERRORS, stop: true };
    }
    const manifest = result.emitted.manifest as Manifest;
    const buildDir = join(ctx.dir, 'build');
    writeBuildAtomically(buildDir, result.emitted.files);
    ctx.out.line(`${definitionCounts(manifest)} from ${files} files: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`);
    ctx.out.line(`build written to ${shownPath(ctx.io.cwd, buildDir)}/ (${result.emitted.files.size} files)`);

    const opened = await openWorkspace({ dir: ctx.dir, db: ctx.flags.db, io: ctx.io, manifest });
    if (typeof opened === 'number') return { exitCode: opened, stop: true };
    ctx.provide(opened.manifest, opened.db);
    ctx.out.line(`database: ${opened.db.description}`);
    return {
      exitCode: EXIT_OK,
      note: plural(Object.values(manifest.definitions).filter((d) => d.kind !== 'Workspace').length, 'definition'),
    };
  },
};

/** `42 definitions (3 sources, 7 segments, 8 templates, …)`, kinds in a fixed order. */
function definitionCounts(manifest: Manifest): string {
  const byKind = new Map<string, number>();
  for (const d of Object.values(manifest.definitions)) if (d.kind !== 'Workspace') byKind.set(d.kind, (byKind.get(d.kind) ?? 0) + 1);
  const order = ['Source', 'Trait', 'Segment', 'Model', 'Template', 'Journey', 'Campaign', 'Test'];
  const kinds = [...byKind.keys()].sort((a, b) => rank(order, a) - rank(order, b) || (a < b ? -1 : 1));
  const total = [...byKind.values()].reduce((a, b) => a + b, 0);
  return `${plural(total, 'definition')} (${kinds.map((k) => plural(byKind.get(k)!, k.toLowerCase())).join(', ')})`;
}

function rank(order: string[], kind: string): number {
  const i = order.indexOf(kind);
  return i === -1 ? order.length : i;
}
