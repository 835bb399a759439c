import { randomBytes } from 'node:crypto';
import nunjucks from 'nunjucks';
import type { CompiledTemplate } from '../../compiler/contract/template.ts';
import { buildRenderContext, type RenderContext, type RenderInput } from './context.ts';
import { environments } from './environment.ts';
import { MissingValueError } from './missing.ts';
import { capOutput } from './output-cap.ts';
import { withSettings, type FormatSettings } from './settings.ts';
import { compileTemplateRules } from './template-rules.ts';
import { emailLanguage, withHtmlLanguage } from './translate.ts';
import type { CompiledRule } from '../eval/rule.ts';

/**
 * Per-recipient rendering: only compiled nunjucks runs here (MJML ran once, at build time). A
 * template's nunjucks is compiled once per process when it is loaded.
 */
export interface LoadedTemplate {
  compiled: CompiledTemplate;
  /** Its `rule("…")` conditions, compiled for the evaluator. */
  rules: ReadonlyMap<string, CompiledRule>;
  subject: nunjucks.Template;
  preheader?: nunjucks.Template;
  html: nunjucks.Template;
  text: nunjucks.Template;
  /** Subject, preheader and text in one template, parted by PART_MARK (see renderTextParts). */
  textParts: nunjucks.Template;
}

export interface RenderedEmail {
  subject: string;
  preheader?: string;
  html: string;
  text: string;
}

export type RenderOutcome = { ok: true; email: RenderedEmail } | { ok: false; reason: string };

export interface RenderOptions {
  /** Fallback time zone when neither customer nor template has one (the workspace's). */
  timeZone?: string;
  /** The instant `rule()` conditions are evaluated as of (the send's; default now). */
  asOf?: number;
}

export function loadTemplate(compiled: CompiledTemplate): LoadedTemplate {
  const env = environments();
  const make = (src: string, which: string, e: nunjucks.Environment) => compileNunjucks(src, e, `${compiled.name}:${which}`);
  const loaded: LoadedTemplate = {
    compiled,
    rules: compileTemplateRules(compiled),
    subject: make(compiled.subject, 'subject', env.text),
    html: make(compiled.html, 'html', env.html),
    text: make(compiled.text, 'text', env.text),
    textParts: make(
      [compiled.subject, ...(compiled.preheader !== undefined ? [compiled.preheader] : []), compiled.text].join(PART_MARK),
      'text parts',
      env.text,
    ),
  };
  if (compiled.preheader !== undefined) loaded.preheader = make(compiled.preheader, 'preheader', env.text);
  return loaded;
}

/**
 * Separates the parts of the combined text template. Random per process, so no template or
 * customer value can contain it by design; and if one ever did, the parts would not split into
 * the expected number, and the parts are rendered one by one instead.
 */
const PART_MARK = `\u0000herald-part-${randomBytes(12).toString('hex')}\u0000`;

/**
 * Subject, preheader and text rendered by one template call rather than three: each nunjucks
 * render pays for a fresh context and frame, a large share of rendering a subject line. The
 * parts are complete templates on their own (the compiler checked each), so joining them cannot
 * change what any of them means. Undefined when the output does not part as expected.
 */
function renderTextParts(template: LoadedTemplate, ctx: RenderContext): { subject: string; preheader?: string; text: string } | undefined {
  const parts = template.textParts.render(ctx as unknown as object).split(PART_MARK);
  if (template.preheader) return parts.length === 3 ? { subject: parts[0]!, preheader: parts[1]!, text: parts[2]! } : undefined;
  return parts.length === 2 ? { subject: parts[0]!, text: parts[1]! } : undefined;
}

interface NunjucksCompiler {
  compile(src: string, asyncFilters: unknown, extensions: unknown, name: string, opts: unknown): string;
}

/**
 * Compiles nunjucks source to a Template once. A `for` loop sets seven `loop.*` variables per
 * iteration; when the template never reads `loop`, those assignments are dropped from the
 * generated code (they are a large share of a product loop's cost, and unobservable). Every
 * output buffer is capped (output-cap.ts), so a runaway loop fails one recipient, not the run.
 */
function compileNunjucks(src: string, env: nunjucks.Environment, name: string): nunjucks.Template {
  const e = env as unknown as { asyncFilters: unknown; extensionsList: unknown; opts: unknown };
  const compiler = (nunjucks as unknown as { compiler: NunjucksCompiler }).compiler;
  let code = compiler.compile(src, e.asyncFilters, e.extensionsList, name, e.opts);
  if (!code.includes('contextOrFrameLookup(context, frame, "loop")'))
    code = code.replace(/^frame\.set\("loop\.[a-z0-9]+", [^;\n]*\);\n/gm, '');
  code = capOutput(code);
  // The same step nunjucks' Template performs for string sources.
  const props = new Function(code)() as object;
  return new nunjucks.Template({ type: 'code', obj: props } as unknown as string, env, name, true);
}

/** Renders one email. Never throws for data problems: a failed recipient gets a reason instead. */
export function renderEmail(template: LoadedTemplate, input: RenderInput | RenderContext, options: RenderOptions = {}): RenderOutcome {
  const ctx = buildRenderContext(input);
  const settings = formatSettings(template, ctx, options);
  let part = 'subject';
  try {
    return withSettings(settings, () => {
      let parts: ReturnType<typeof renderTextParts>;
      try {
        parts = renderTextParts(template, ctx);
      } catch {
        parts = undefined; // rendered part by part below, which says which part failed and where
      }
      const subject = oneLine(parts ? parts.subject : template.subject.render(ctx as unknown as object));
      part = 'html';
      const html = withHtmlLanguage(template.html.render(ctx as unknown as object), settings.locale, settings.dir ?? 'ltr');
      part = 'text';
      const text = tidyText(parts ? parts.text : template.text.render(ctx as unknown as object));
      const email: RenderedEmail = { subject, html, text };
      if (template.preheader) {
        part = 'preheader';
        email.preheader = oneLine(parts ? parts.preheader! : template.preheader.render(ctx as unknown as object));
      }
      return { ok: true as const, email };
    });
  } catch (e) {
    return { ok: false, reason: explainFailure(template, part, e) };
  }
}

/**
 * The customer's locale picks the email's language among the template's (translate.ts); dates
 * and money follow the language actually used.
 */
function formatSettings(template: LoadedTemplate, ctx: RenderContext, options: RenderOptions): FormatSettings & { dir?: 'ltr' | 'rtl' } {
  const compiled = template.compiled;
  const language = emailLanguage(compiled, ctx.customer.locale);
  const timeZone = typeof ctx.customer.timezone === 'string' ? ctx.customer.timezone : (compiled.timezone ?? options.timeZone ?? 'UTC');
  const settings: FormatSettings & { dir?: 'ltr' | 'rtl' } = {
    locale: language.locale,
    timeZone,
    currency: compiled.currency,
    language: language.language,
    dir: language.dir,
  };
  if (language.messages) settings.messages = language.messages;
  if (template.rules.size > 0) settings.rules = { compiled: template.rules, asOf: options.asOf ?? Date.now() };
  return settings;
}

function oneLine(s: string): string {
  return /\s\s|[\t\n\r]/.test(s) ? s.replace(/\s+/g, ' ').trim() : s.trim();
}

/** Blank lines left by loops and conditionals collapse to one; lines lose the spaces tags left at their ends. */
function tidyText(s: string): string {
  const trimmed = /^[ \t]|[ \t]$/m.test(s) ? s.replace(/^[ \t]+|[ \t]+$/gm, '') : s;
  const tidy = trimmed.includes('\n\n\n') ? trimmed.replace(/\n{3,}/g, '\n\n') : trimmed;
  return tidy.trim() + '\n';
}

/**
 * A reason a person can act on, without the recipient's data: which part, where, and the
 * expression that had no value (from the template source at the reported position).
 */
function explainFailure(template: LoadedTemplate, part: string, e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  const pos = /\[Line (\d+), Column (\d+)\]/.exec(message);
  const source = (template.compiled as unknown as Record<string, string | undefined>)[part] ?? '';
  const expression = pos ? expressionAt(source, Number(pos[1]), Number(pos[2])) : undefined;
  const inner =
    e instanceof MissingValueError ? e.message : (message.split('\n').pop() ?? message).trim().replace(/^(Error|TypeError): /, '');
  const where = pos ? ` (${part} line ${pos[1]}, column ${pos[2]})` : ` (${part})`;
  if (/attempted to output null or undefined value/.test(inner)) {
    return `missing value${expression ? ` for ${expression}` : ''}${where}: give it a default, e.g. {{ … | default('…') }}`;
  }
  const hint = /missing value/.test(inner) ? ": give it a default, e.g. {{ … | default('…') }}" : '';
  return `${inner}${expression ? ` in ${expression}` : ''}${where}${hint}`;
}

function expressionAt(source: string, line: number, column: number): string | undefined {
  const text = source.split('\n')[line - 1];
  if (text === undefined) return undefined;
  const open = text.lastIndexOf('{{', column);
  const close = text.indexOf('}}', Math.max(open, 0));
  if (open === -1 || close === -1) return undefined;
  return text.slice(open, close + 2).trim();
}
