import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import { checkCompliance } from './compliance.ts';
import { diagAt, type PreparedTemplate } from './prepare.ts';
import { protect } from './protect.ts';
import type { MappedText } from './source-map.ts';
import { parseWithPosition } from './syntax.ts';
import { offsetOfLine } from './source-map.ts';
import { checkVariables, type TemplateNames } from './variables.ts';

export type { TemplateNames } from './variables.ts';

export interface TemplateCheck {
  diagnostics: Diagnostic[];
  /** Context paths the template reads, sorted. */
  variables: string[];
}

/**
 * Phase 3 for a template: nunjucks syntax (unclosed tags with the opening tag's position),
 * variables against the render context and data model, filters, sandbox-blocked names, and
 * compliance (unsubscribe link, alt text, link targets).
 */
export function checkTemplate(prepared: PreparedTemplate, names: TemplateNames): TemplateCheck {
  const diagnostics: Diagnostic[] = [];
  const variables = new Set<string>();
  const texts: MappedText[] = [prepared.subject];
  if (prepared.preheader) texts.push(prepared.preheader);
  if (prepared.body) texts.push(prepared.body);
  for (const mapped of texts) {
    const src = mapped.text;
    const parsed = parseWithPosition(src);
    if (parsed.problem) {
      diagnostics.push(diagAt(prepared, mapped, 'HL353', parsed.problem.message, parsed.problem.offset, parsed.problem.length));
      continue;
    }
    const report = checkVariables(parsed.ast!, names);
    for (const p of report.problems) {
      diagnostics.push(diagAt(prepared, mapped, p.code, p.message, offsetOfLine(src, p.line + 1, p.column), p.length, p.help));
    }
    for (const v of report.paths) variables.add(v);
  }
  if (prepared.body) {
    const p = protect(prepared.body);
    for (const c of checkCompliance(p, prepared.input.spec.category ?? 'marketing')) {
      diagnostics.push(diagAt(prepared, p.text, c.code, c.message, c.start, Math.max(0, c.end - c.start), c.help));
    }
  }
  return { diagnostics, variables: [...variables].sort() };
}
