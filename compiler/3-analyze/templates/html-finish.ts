/**
 * Touches MJML's HTML needs before it is stored, for what mail clients and filters make of it:
 *
 * - The preheader. MJML hides it as white 1px text (`color:#ffffff;font-size:1px`), which
 *   SpamAssassin scores as text hidden by low contrast (HTML_FONT_LOW_CONTRAST) on every message.
 *   It is hidden with `display:none` (and `mso-hide:all` for Outlook) instead, with no colour or
 *   font size, followed by zero-width padding (`&#847;&zwnj;&nbsp;`) so the inbox preview shows
 *   the preheader alone rather than running on into the body's first words.
 * - Dark mode: `color-scheme` and `supported-color-schemes` metas say the email is written for
 *   both schemes, so Apple Mail and others do not invert its colours on their own.
 */
const MJML_PREVIEW =
  /<div style="display:none;font-size:1px;color:#ffffff;line-height:1px;max-height:0px;max-width:0px;opacity:0;overflow:hidden;">([\s\S]*?)<\/div>/;

/** How many zero-width groups follow the preheader: enough to fill any client's preview line. */
const PADDING = '&#847;&zwnj;&nbsp;'.repeat(60);

const COLOR_SCHEME = '<meta name="color-scheme" content="light dark">\n<meta name="supported-color-schemes" content="light dark">';

export function finishHtml(html: string): string {
  let out = html.replace(
    MJML_PREVIEW,
    (_m, inner: string) => `<div style="display:none;max-height:0;overflow:hidden;mso-hide:all;">${inner}${PADDING}</div>`,
  );
  if (!/<meta name="color-scheme"/i.test(out)) {
    const viewport = /<meta name="viewport"[^>]*>/i.exec(out);
    if (viewport)
      out = out.slice(0, viewport.index + viewport[0].length) + '\n' + COLOR_SCHEME + out.slice(viewport.index + viewport[0].length);
    else out = out.replace(/<head>/i, `<head>\n${COLOR_SCHEME}`);
  }
  return out;
}
