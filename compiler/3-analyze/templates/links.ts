import type { UtmParameters } from '../../contract/template.ts';

/**
 * Tracked links: UTM parameters added to the compiled HTML's links once, at build time. Works on
 * HTML whose nunjucks is still swapped for tokens:
 * - a literal `https://…` href (tokens allowed after the host) gets the query appended in place;
 * - an href that is one placeholder (`{{ item.url }}`) is routed through the `track_link` filter,
 *   since only the rendered value tells whether it already has a query;
 * - unsubscribe and preferences links, mailto:, tel:, anchors and relative links are left alone.
 */
export interface TrackingInput {
  html: string;
  utm: UtmParameters;
  /** Token pattern pieces: `${prefix}${n}X`. */
  prefix: string;
  originals: string[];
  /** Receives the indices of tokens replaced by new ones. */
  replaced: Set<number>;
}

const NOT_TRACKED = /\b(unsubscribe_url|preferences_url)\b/;

/** Returns the HTML with tracked hrefs; new placeholders are appended to `originals`. */
export function trackLinks(input: TrackingInput): string {
  const { utm, prefix, originals } = input;
  const tokenOnly = new RegExp(`^${prefix}(\\d+)X$`);
  const anyToken = new RegExp(`${prefix}(\\d+)X`, 'g');
  const query = utm.query.replace(/&/g, '&amp;');
  return input.html.replace(/(<a\b[^>]*?\shref=")([^"]*)(")/gi, (whole, open: string, href: string, close: string) => {
    const originalsUsed = [...href.matchAll(anyToken)].map((m) => originals[Number(m[1])] ?? '');
    if (originalsUsed.some((o) => NOT_TRACKED.test(o)) || /[?&](amp;)?utm_/.test(href)) return whole;
    const single = tokenOnly.exec(href);
    if (single) {
      const source = originals[Number(single[1])] ?? '';
      const m = /^\{\{(-?)([\s\S]*?)(-?)\}\}$/.exec(source);
      if (!m) return whole;
      // Single-quoted, so the template source stays a well-formed double-quoted attribute.
      const domains = `[${utm.domains.map(singleQuoted).join(', ')}]`;
      input.replaced.add(Number(single[1]));
      originals.push(`{{${m[1]} (${m[2]!.trim()}) | track_link(${singleQuoted(utm.query)}, ${domains}) ${m[3]}}}`);
      return `${open}${prefix}${originals.length - 1}X${close}`;
    }
    const literal = /^https?:\/\/([^/?#]*)/i.exec(href);
    if (!literal) return whole;
    const host = literal[1]!;
    if (utm.domains.length > 0) {
      if (anyToken.test(host)) return whole;
      anyToken.lastIndex = 0;
      const h = host.toLowerCase().replace(/:\d+$/, '');
      if (!utm.domains.some((d) => h === d.toLowerCase() || h.endsWith(`.${d.toLowerCase()}`))) return whole;
    }
    const hash = href.indexOf('#');
    const base = hash === -1 ? href : href.slice(0, hash);
    const fragment = hash === -1 ? '' : href.slice(hash);
    const sep = base.includes('?') ? (base.endsWith('?') || base.endsWith('&') || base.endsWith('&amp;') ? '' : '&amp;') : '?';
    return `${open}${base}${sep}${query}${fragment}${close}`;
  });
}

function singleQuoted(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The query string of a template's utm settings, in a fixed order. */
export function utmQuery(
  settings: { source?: string; medium?: string; campaign?: string; content?: string; term?: string },
  templateName: string,
): string {
  const pairs: Array<[string, string | undefined]> = [
    ['utm_source', settings.source ?? 'herald'],
    ['utm_medium', settings.medium ?? 'email'],
    ['utm_campaign', settings.campaign ?? templateName],
    ['utm_content', settings.content],
    ['utm_term', settings.term],
  ];
  return pairs
    .filter((p): p is [string, string] => p[1] !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(v).replace(/'/g, '%27')}`)
    .join('&');
}
