/**
 * The plain-text part, derived once from the compiled HTML (nunjucks still swapped for tokens, so
 * placeholders pass through as words): links become `text (url)`, blocks become lines, entities
 * are decoded. The result is a nunjucks template rendered without HTML escaping.
 */
const BLOCK_END = /<\/(p|div|tr|table|h[1-6]|li|ul|ol|blockquote|section|article|header|footer)\s*>|<br\s*\/?>|<hr\b[^>]*>/gi;

export function htmlToText(html: string, canonical: (s: string) => string = (s) => s): string {
  let s = html;
  const body = /<body\b[^>]*>([\s\S]*)<\/body>/i.exec(s);
  if (body) s = body[1]!;
  s = s.replace(/<!--[\s\S]*?-->/g, '');
  s = s.replace(/<(style|script|head|title)\b[\s\S]*?<\/\1\s*>/gi, '');
  // Hidden text (the preheader) belongs in the inbox preview, not in the text part.
  s = s.replace(/<div\b[^>]*display:\s*none[^>]*>[\s\S]*?<\/div>/gi, '');
  // Line breaks in the markup are not line breaks in the text: only blocks and <br> are.
  s = s.replace(/\s+/g, ' ');
  // A linked picture whose target a text link also names (a product's picture and its name) would
  // print the product twice: the text part keeps the text link only.
  const textLinked = new Set<string>();
  for (const m of s.matchAll(/<a\b([^>]*)>([\s\S]*?)<\/a\s*>/gi)) {
    const href = /\shref\s*=\s*"([^"]*)"/i.exec(` ${m[1]}`)?.[1];
    if (href && inlineText(m[2]!) !== '') textLinked.add(canonical(href));
  }
  s = s.replace(/<a\b([^>]*)>([\s\S]*?)<\/a\s*>/gi, (_m, attrs: string, inner: string) => {
    const href = /\shref\s*=\s*"([^"]*)"/i.exec(` ${attrs}`)?.[1] ?? '';
    let label = inlineText(inner);
    if (label === '' && textLinked.has(canonical(href))) return '';
    if (label === '') label = /\salt\s*=\s*"([^"]*)"/i.exec(inner)?.[1]?.trim() ?? '';
    if (href === '' || href.startsWith('#')) return label;
    const url = href.replace(/^mailto:/i, '');
    return label === '' || decodeEntities(label) === decodeEntities(url) ? url : `${label} (${url})`;
  });
  s = s.replace(/<li\b[^>]*>/gi, '\n- ');
  s = s.replace(BLOCK_END, '\n');
  s = s.replace(/<\/td\s*>/gi, '\n');
  s = s.replace(/<[^>]+>/g, '');
  s = decodeEntities(s);
  // Decoded text must not turn into nunjucks syntax (`&#123;&#123;` is text, not a placeholder).
  s = s.replace(/\{(?=[{%#])/g, '{{ "{" }}');
  const lines = s.split('\n').map((l) => l.replace(/[ \t\u00a0]+/g, ' ').trim());
  return (
    lines
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim() + '\n'
  );
}

function inlineText(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  copy: '©',
  reg: '®',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  rsquo: '’',
  lsquo: '‘',
  rdquo: '”',
  ldquo: '“',
  euro: '€',
  pound: '£',
  middot: '·',
  bull: '•',
  trade: '™',
  laquo: '«',
  raquo: '»',
  times: '×',
};

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : m;
    }
    return NAMED[e.toLowerCase()] ?? m;
  });
}
