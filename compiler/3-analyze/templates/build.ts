import type { Diagnostic } from '../../diagnostics/diagnostic.ts';
import type { CompiledTemplate } from '../../contract/template.ts';
import { htmlToText } from './html-text.ts';
import { finishHtml } from './html-finish.ts';
import { trackLinks, utmQuery } from './links.ts';
import { trackedLinks } from './tracked-links.ts';
import { checkBalance } from './markup.ts';
import { mjmlSync } from './mjml-sync.ts';
import { parseWithPosition } from './syntax.ts';
import { diagAt, type PreparedTemplate } from './prepare.ts';
import { protect, restore, type Protected } from './protect.ts';
import { MappedText, offsetOfLine } from './source-map.ts';
import { messageOf } from '../../diagnostics/catalogue/index.ts';

/** Gmail clips HTML over 102 KB (102 × 1024 bytes), hiding the rest of the message. */
export const GMAIL_CLIP_BYTES = 102 * 1024;

export interface BuildResult {
  compiled?: CompiledTemplate;
  diagnostics: Diagnostic[];
}

/**
 * Phase 4 for a template: MJML runs exactly once, on the assembled source with nunjucks protected;
 * the HTML gets tracked links, a plain-text twin is derived from it, and both keep their nunjucks
 * for the renderer to compile once per process.
 */
export function buildTemplate(prepared: PreparedTemplate, variables: string[] = []): BuildResult {
  const diagnostics: Diagnostic[] = [];
  const spec = prepared.input.spec;
  if (!prepared.body) return { diagnostics };
  const p = protect(prepared.body);
  const source = withHead(p, prepared);

  const markup = checkBalance(source.text);
  for (const m of markup) diagnostics.push(diagAt(prepared, source, 'HL421', m.message, m.start, m.end - m.start));
  if (markup.length > 0) return { diagnostics };

  const result = mjmlSync(source.text);
  if (result.fatal || result.html === undefined) {
    const message = result.errors.length > 0 ? undefined : messageOf('HL424', { fatal: (result.fatal ?? 'no output').split('\n')[0]! });
    for (const e of result.errors) {
      const lineStart = offsetOfLine(source.text, e.line);
      const lineEnd = source.text.indexOf('\n', lineStart);
      const line = source.text.slice(lineStart, lineEnd === -1 ? undefined : lineEnd);
      const col = e.tagName ? Math.max(0, line.indexOf(`<${e.tagName}`)) : 0;
      diagnostics.push(
        diagAt(prepared, source, 'HL420', messageOf('HL420', { mjml: e.message }), lineStart + col, e.tagName ? e.tagName.length + 1 : 0),
      );
    }
    if (message) diagnostics.push(diagAt(prepared, source, 'HL424', message, 0, 0, 'a template is an <mjml> document with an <mj-body>'));
    return { diagnostics };
  }

  let html = finishHtml(result.html);
  const utm = spec.utm ? { query: utmQuery(spec.utm, prepared.input.name), domains: spec.utm.domains ?? [] } : undefined;
  if (utm) {
    p.replacedTokens = new Set();
    html = trackLinks({ html, utm, prefix: p.prefix, originals: p.originals, replaced: p.replacedTokens });
  }
  // Links compare by their source: each `{{ item.id }}` is its own token in the protected HTML.
  const tokens = new RegExp(`${p.prefix}(\\d+)X`, 'g');
  const text = htmlToText(html, (href) => href.replace(tokens, (m, i: string) => p.originals[Number(i)] ?? m));
  const restoredHtml = restore(html, p);
  const restoredText = restore(text, p).html;
  for (const i of restoredHtml.lost.concat(restoredHtml.duplicated)) {
    const seg = p.segments[i];
    if (!seg) continue;
    const lost = restoredHtml.lost.includes(i);
    diagnostics.push(
      diagAt(
        prepared,
        prepared.body,
        'HL422',
        messageOf('HL422', { form: 'mjml', value: lost ? 'dropped' : 'repeated', originals: p.originals[i] }),
        seg.start,
        seg.end - seg.start,
        'move it into text or an attribute MJML keeps (href, src, alt)',
      ),
    );
  }
  for (const [what, src] of [
    ['HTML', restoredHtml.html],
    ['text', restoredText],
  ] as const) {
    const parsed = parseWithPosition(src);
    if (parsed.problem)
      diagnostics.push(
        diagAt(
          prepared,
          prepared.body,
          'HL422',
          messageOf('HL422', { form: 'the-compiled-does', what, message: parsed.problem.message }),
          0,
          0,
        ),
      );
  }
  const bytes = Buffer.byteLength(restoredHtml.html, 'utf8');
  if (bytes > GMAIL_CLIP_BYTES) {
    diagnostics.push(diagAt(prepared, prepared.body, 'HL423', messageOf('HL423', { value: (bytes / 1024).toFixed(1) }), 0, 0));
  }
  const compiled: CompiledTemplate = {
    name: prepared.input.name,
    category: spec.category ?? 'marketing',
    subject: prepared.subject.text,
    html: restoredHtml.html,
    text: restoredText,
    locale: spec.locale ?? 'en-GB',
    currency: spec.currency ?? 'GBP',
    sample_customers: spec.sample_customers ?? [],
    recommendations: {
      count: spec.recommendations?.count ?? 6,
      ...(spec.recommendations?.model ? { model: spec.recommendations.model } : {}),
    },
    variables,
    files: prepared.files,
    html_bytes: bytes,
  };
  if (prepared.preheader) compiled.preheader = prepared.preheader.text;
  if (spec.timezone) compiled.timezone = spec.timezone;
  if (spec.from) compiled.from = spec.from;
  if (spec.reply_to) compiled.reply_to = spec.reply_to;
  if (utm) compiled.utm = utm;
  if (spec.topic) compiled.topic = spec.topic;
  if (spec.tracking && (spec.tracking.clicks || spec.tracking.opens)) {
    compiled.tracking = {
      clicks: spec.tracking.clicks === true,
      opens: spec.tracking.opens === true,
      links: spec.tracking.clicks ? trackedLinks(restoredHtml.html) : {},
    };
  }
  if (prepared.rules && prepared.ruleSchema) {
    compiled.rules = prepared.rules;
    compiled.rule_schema = prepared.ruleSchema;
  }
  compiled.language = prepared.language;
  if (prepared.translations && prepared.translations.messages[prepared.translations.default]) {
    compiled.translations = { default: prepared.translations.default, messages: prepared.translations.messages };
  }
  if (spec.sample_data) compiled.sample_data = posixJoin(prepared.input.yamlFile.path, spec.sample_data);
  return { compiled, diagnostics };
}

/** Adds the subject as <mj-title> and the preheader as <mj-preview> unless the MJML has its own. */
function withHead(p: Protected, prepared: PreparedTemplate): MappedText {
  const src = p.text;
  const text = src.text;
  let head = '';
  const tokenFor = (value: string) => {
    p.originals.push(value);
    p.segments.push({ kind: 'output', start: 0, end: 0, inner: value, terminated: true });
    return `${p.prefix}${p.originals.length - 1}X`;
  };
  if (!/<mj-title[\s>]/.test(text)) head += `<mj-title>${tokenFor(prepared.subject.text)}</mj-title>`;
  if (prepared.preheader && !/<mj-preview[\s>]/.test(text)) head += `<mj-preview>${tokenFor(prepared.preheader.text)}</mj-preview>`;
  if (head === '') return src;
  const existing = /<mj-head\s*>/.exec(text);
  const opening = existing ?? /<mjml\b[^>]*>/.exec(text);
  if (!opening) return src;
  const at = opening.index + opening[0].length;
  const insertion = existing ? head : `<mj-head>${head}</mj-head>`;
  const out = new MappedText();
  out.appendSlice(src, 0, at);
  out.insert(insertion, src.locate(at) ?? { file: prepared.input.yamlFile.path, offset: 0 });
  out.appendSlice(src, at, text.length);
  return out;
}

function posixJoin(yamlPath: string, rel: string): string {
  const dir = yamlPath.includes('/') ? yamlPath.slice(0, yamlPath.lastIndexOf('/')) : '';
  const parts = (dir ? `${dir}/${rel}` : rel).split('/');
  const out: string[] = [];
  for (const part of parts) {
    if (part === '..') out.pop();
    else if (part !== '.' && part !== '') out.push(part);
  }
  return out.join('/');
}
