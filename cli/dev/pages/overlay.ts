import type { Diagnostic } from '../../../compiler/diagnostics/diagnostic.ts';
import { formatDiagnostics, summaryLine } from '../../../compiler/diagnostics/format/index.ts';
import type { DevBuild } from '../session.ts';
import { html, type Html } from '../html.ts';

/**
 * Diagnostics as the terminal shows them (`herald validate`'s pretty format: message, place, code
 * frame, notes, help), one block each.
 */
export function diagnosticBlocks(diagnostics: readonly Diagnostic[], sources: ReadonlyMap<string, string>): Html {
  return html`${diagnostics.map((d) => html`<pre class="diagnostic" data-code="${d.code}">${blockText(d, sources)}</pre>`)}`;
}

function blockText(d: Diagnostic, sources: ReadonlyMap<string, string>): string {
  // The pretty format ends with a summary line; one diagnostic's block is everything before it.
  const text = formatDiagnostics('pretty', [d], { sources }).text;
  return text.slice(0, text.lastIndexOf(summaryLine([d]))).trimEnd();
}

/** The overlay's content for a build: empty when it has no errors. */
export function overlayMarkup(build: DevBuild): string {
  const errors = build.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length === 0) return '';
  return html`<div class="panel" role="alert">
  <h2>${summaryLine(build.diagnostics)}: the preview shows the last good build</h2>
  ${diagnosticBlocks(errors, build.sources)}
  <p class="muted">Fix the files and save: this goes away by itself. <button type="button" data-dismiss-overlay>Hide</button></p>
</div>`.value;
}
