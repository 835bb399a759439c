import { createHash } from 'node:crypto';
import { decodeHref } from '../../contract/template.ts';

/**
 * The links click tracking may rewrite: every `href` of the compiled HTML that is a literal
 * http(s) URL (no nunjucks in it, after UTM parameters were added), keyed by a short digest of
 * the URL. The table goes into the manifest, and the tracking redirect reads its target from it
 * and nowhere else, so no request can make Herald redirect to a URL the template did not have.
 * Links whose URL is filled in per recipient (`{{ item.url }}`) are left as they are: their
 * target is not known at compile time.
 */
export function trackedLinks(html: string): Record<string, string> {
  const links: Record<string, string> = Object.create(null);
  for (const m of html.matchAll(/<a\b[^>]*?\shref="([^"]*)"/gi)) {
    const url = decodeHref(m[1]!);
    if (!/^https?:\/\/[^\s]+$/i.test(url) || /\{[{%#]/.test(url)) continue;
    links[linkId(url)] = url;
  }
  return links;
}

/** 12 hex digits of sha256: stable across versions of a template while the URL stays the same. */
export function linkId(url: string): string {
  return createHash('sha256').update(url).digest('hex').slice(0, 12);
}
