import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import mjml2html from 'mjml';
import nunjucks from 'nunjucks';
import { parseText } from '../../compiler/1-load/parse-file.ts';
import { buildTemplate, checkTemplate, prepareTemplate, type CompiledTemplate } from '../../compiler/3-analyze/templates/index.ts';
import { SHOWCASE_NAMES } from '../templates/helpers.ts';
import { buildRenderContext, type RenderInput } from '../../runtime/render/index.ts';
import { HERALD_FILTER_FUNCTIONS } from '../../runtime/render/filters.ts';
import { withSettings, type FormatSettings } from '../../runtime/render/settings.ts';
import { evaluateTemplateRule } from '../../runtime/render/template-rules.ts';
import { translate, withHtmlLanguage } from '../../runtime/render/translate.ts';
import { finishHtml } from '../../compiler/3-analyze/templates/html-finish.ts';
import { textDirection } from '../../compiler/contract/languages.ts';

export interface TwoWays {
  compiled: CompiledTemplate;
  /** The template's assembled MJML with subject and preheader added, nunjucks untouched. */
  mjmlSource: string;
}

/** Compiles a template file (optionally without tracked links) and keeps its assembled MJML source. */
export function compileBothWays(root: string, rel: string, options: { utm: boolean } = { utm: false }): TwoWays {
  const parsed = parseText(rel, join(root, rel), readFileSync(join(root, rel), 'utf8'));
  const doc = parsed.documents[0]!;
  const value = doc.value as { metadata: { name: string }; spec: Record<string, unknown> };
  const spec = { ...value.spec };
  if (!options.utm) delete spec.utm;
  const prepared = prepareTemplate({
    name: value.metadata.name,
    spec: spec as never,
    root,
    yamlFile: doc.file,
    doc: doc.yaml,
    specPath: ['spec'],
  });
  const check = checkTemplate(prepared, SHOWCASE_NAMES);
  const built = buildTemplate(prepared, check.variables);
  if (!built.compiled) throw new Error(JSON.stringify(built.diagnostics));
  let head = `<mj-title>${prepared.subject.text}</mj-title>`;
  if (prepared.preheader) head += `<mj-preview>${prepared.preheader.text}</mj-preview>`;
  const src = prepared.body!.text;
  const mjmlSource = /<mj-head\s*>/.test(src)
    ? src.replace(/<mj-head\s*>/, (m) => m + head)
    : src.replace(/<mjml\b[^>]*>/, (m) => `${m}<mj-head>${head}</mj-head>`);
  return { compiled: built.compiled, mjmlSource };
}

let referenceEnv: nunjucks.Environment | undefined;

/**
 * The slow way: nunjucks over the MJML source for this recipient, then MJML on the result. With
 * `rules` (a compiled template's rule() conditions) those evaluate as the renderer does.
 */
export async function renderPerRecipient(
  mjmlSource: string,
  input: RenderInput,
  settings: FormatSettings = { locale: 'en-GB', timeZone: 'UTC', currency: 'GBP' },
): Promise<string> {
  referenceEnv ??= (() => {
    const env = new nunjucks.Environment([], { autoescape: true });
    for (const [name, fn] of Object.entries(HERALD_FILTER_FUNCTIONS)) env.addFilter(name, fn as (...args: unknown[]) => unknown);
    env.addGlobal('t', translate);
    env.addGlobal('rule', function rule(this: { ctx: Record<string, unknown> }, expression: string) {
      return evaluateTemplateRule(expression, this.ctx);
    });
    return env;
  })();
  const ctx = buildRenderContext(input);
  const mjml = withSettings(settings, () => referenceEnv!.renderString(mjmlSource, ctx as unknown as object));
  const result = await mjml2html(mjml, { validationLevel: 'soft' });
  // What the build does to MJML's HTML (compiler/3-analyze/templates/html-finish.ts), and the language the
  // renderer sets (runtime/render/translate.ts): both are tested on their own.
  return withHtmlLanguage(finishHtml(result.html), settings.locale, textDirection(settings.language ?? settings.locale));
}

/**
 * HTML compared for meaning, not layout of the source: whitespace between and inside tags,
 * and Outlook conditional comments that MJML merges when sections sit next to each other.
 */
export function normalizeHtml(html: string): string {
  return html
    .replace(/<!\[endif\]-->\s*<!--\[if mso \| IE\]>/g, '')
    .replace(/>\s+</g, '><')
    .replace(/\s+/g, ' ')
    .replace(/\s*(<|>|\/>)\s*/g, '$1')
    .trim();
}

/** The inner CSS rules (`selector { declarations }`) of an HTML document's <style> elements. */
export function cssRules(html: string): Set<string> {
  const rules = new Set<string>();
  for (const style of html.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style>/gi)) {
    for (const rule of style[1]!.matchAll(/([^{}]+)\{([^{}]*)\}/g)) {
      rules.add(
        `${rule[1]!
          .replace(/\s+/g, ' ')
          .replace(/^.*@media[^{]*$/, '')
          .trim()} {${rule[2]!.replace(/\s+/g, ' ').trim()}}`,
      );
    }
  }
  return rules;
}

/** The document without its <head> (styles are compared as sets: see cssRules). */
export function bodyOf(html: string): string {
  return html.replace(/<head\b[\s\S]*?<\/head>/i, '');
}
