import type { Diagnostic } from '../../diagnostics/diagnostic.ts';
import { checkCompliance } from './compliance.ts';
import { diagAt, type PreparedTemplate } from './prepare.ts';
import { protect } from './protect.ts';
import type { MappedText } from './source-map.ts';
import { parseWithPosition } from './syntax.ts';
import { offsetOfLine } from './source-map.ts';
import { checkVariables, type TemplateNames } from './variables.ts';
import { checkRuleCall, findRuleCalls, ruleSchemaFor } from './template-rules.ts';
import type { TemplateRule } from '../../contract/template.ts';
import { checkEmptyLists } from './empty-lists.ts';
import { checkTranslationCalls } from './translation-calls.ts';
import { append } from '../../util/append.ts';
import { messageOf } from '../../diagnostics/catalogue/index.ts';

export type { TemplateNames } from './variables.ts';

export interface TemplateCheck {
  diagnostics: Diagnostic[];
  /** Context paths the template reads, sorted. */
  variables: string[];
  /** Its `rule("…")` conditions, checked (also recorded on the prepared template for the build). */
  rules: TemplateRule[];
}

/**
 * Phase 3 for a template: nunjucks syntax (unclosed tags with the opening tag's position),
 * variables against the render context and data model, filters, sandbox-blocked names, and
 * compliance (unsubscribe link, alt text, link targets).
 */
export function checkTemplate(prepared: PreparedTemplate, names: TemplateNames): TemplateCheck {
  const diagnostics: Diagnostic[] = [];
  const variables = new Set<string>();
  const rules: TemplateRule[] = [];
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
    for (const p of checkTranslationCalls(parsed.ast!, prepared.translations)) {
      diagnostics.push(diagAt(prepared, mapped, p.code, p.message, offsetOfLine(src, p.node.lineno + 1, p.node.colno), p.length, p.help));
    }
    for (const p of checkEmptyLists(parsed.ast!)) {
      diagnostics.push(diagAt(prepared, mapped, p.code, p.message, offsetOfLine(src, p.line + 1, p.column), p.length, p.help));
    }
    const found = findRuleCalls(parsed.ast!);
    const problems = [...found.problems];
    for (const call of found.calls) {
      if (!names.ruleSchema) {
        problems.push({ message: messageOf('HL349', { problem: { form: 'no-data-model' } }), node: call.node });
        continue;
      }
      const checked = checkRuleCall(call, names.ruleSchema, names);
      append(problems, checked.problems);
      if (checked.rule && !rules.some((r) => r.text === checked.rule!.text)) rules.push(checked.rule);
    }
    for (const p of problems) {
      // Inside the literal: past its opening quote, at the part of the rule the problem is about.
      const start = offsetOfLine(src, p.node.lineno + 1, p.node.colno) + (p.at !== undefined ? 1 + p.at : 0);
      diagnostics.push(diagAt(prepared, mapped, 'HL349', p.message, start, p.at !== undefined ? 1 : 4, p.help));
    }
  }
  if (rules.length > 0 && names.ruleSchema) {
    prepared.rules = rules;
    prepared.ruleSchema = ruleSchemaFor(rules, names.ruleSchema);
  }
  if (prepared.body) {
    const p = protect(prepared.body);
    for (const c of checkCompliance(p, prepared.input.spec.category ?? 'marketing')) {
      diagnostics.push(diagAt(prepared, p.text, c.code, c.message, c.start, Math.max(0, c.end - c.start), c.help));
    }
  }
  return { diagnostics, variables: [...variables].sort(), rules };
}
