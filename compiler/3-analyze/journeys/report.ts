import type { AnalyzeContext, DocPath } from '../context.ts';
import { diagnostic, type DiagnosticDetails } from '../../diagnostics/make.ts';
import type { CodeWithMessage, MessageParams } from '../../diagnostics/catalogue/index.ts';
import { suggest } from '../../diagnostics/suggest.ts';
import type { Definition } from '../../1-load/definition.ts';

export interface ReportOptions {
  help?: string;
  notes?: string[];
  /** Point at the key of the path's last segment rather than its value. */
  key?: boolean;
}

/** Reports a diagnostic at the YAML node `path` of a definition; the catalogue words it from `params`. */
export function reportAt<C extends CodeWithMessage>(
  ctx: AnalyzeContext,
  def: Definition,
  code: C,
  params: MessageParams<C>,
  path: DocPath,
  options: ReportOptions = {},
): void {
  const details: DiagnosticDetails = { file: def.doc.file.path };
  const range = ctx.rangeOf(def, path, options.key ? { key: true } : undefined);
  if (range) details.range = range;
  if (options.help !== undefined) details.help = options.help;
  if (options.notes !== undefined) details.notes = options.notes;
  ctx.report(diagnostic(code, params, details));
}

/** `did you mean "x"?` when a candidate is close enough. */
export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  const close = suggest(name, candidates);
  return close ? `did you mean "${close}"?` : undefined;
}

/** Checks that an event type is declared in the data model (HL364); true when it is. */
export function checkEventType(ctx: AnalyzeContext, def: Definition, event: string, path: DocPath): boolean {
  const declared = Object.keys(ctx.dataModel.events);
  if (declared.includes(event)) return true;
  reportAt(ctx, def, 'HL364', { event }, path, {
    help:
      didYouMean(event, declared) ??
      (declared.length ? `the event types are ${declared.sort().join(', ')}` : 'declare it under `events` in herald.yaml'),
  });
  return false;
}
