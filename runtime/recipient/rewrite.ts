import { decodeHref, type CompiledTemplate } from '../../compiler/contract/template.ts';
import type { RenderedEmail } from '../render/renderer.ts';
import type { LinkSigner } from './tokens.ts';

/**
 * Click and open tracking applied to one rendered email: each link of the template's tracked-link
 * table (compiler/3-analyze/templates/tracked-links.ts) becomes `<tracking>/c/<token>/<link id>`, in the HTML
 * and in the text part, and the HTML gets a 1×1 pixel `<tracking>/o/<token>` before `</body>`.
 * Only links the compiled template had are rewritten, so the redirect (click.ts) can only ever
 * send a reader to one of them. Templates without `tracking` come back unchanged.
 */
export function applyTracking(
  email: RenderedEmail,
  template: Pick<CompiledTemplate, 'tracking'>,
  signer: LinkSigner,
  messageKey: string,
  trackingUrl: string,
): RenderedEmail {
  const tracking = template.tracking;
  if (!tracking) return email;
  let { html, text } = email;
  if (tracking.clicks) {
    const byUrl = new Map(Object.entries(tracking.links).map(([id, url]) => [url, id]));
    const tracked = (url: string) => {
      const id = byUrl.get(url);
      return id === undefined ? undefined : `${trackingUrl}/c/${signer.sign('click', messageKey, id)}/${id}`;
    };
    html = html.replace(/(<a\b[^>]*?\shref=")([^"]*)(")/gi, (whole, open: string, href: string, close: string) => {
      const to = tracked(decodeHref(href));
      return to === undefined ? whole : `${open}${to}${close}`;
    });
    // The text part writes links as `text (url)` or a bare URL.
    text = text.replace(/https?:\/\/[^\s()<>"]+/g, (url) => tracked(url) ?? url);
  }
  if (tracking.opens) {
    const pixel = `<img src="${trackingUrl}/o/${signer.sign('open', messageKey)}" width="1" height="1" alt="" style="display:block;height:1px;width:1px;border:0" />`;
    html = /<\/body>/i.test(html) ? html.replace(/<\/body>/i, `${pixel}</body>`) : html + pixel;
  }
  return { ...email, html, text };
}
