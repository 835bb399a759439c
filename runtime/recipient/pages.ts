import type { ServeResponse } from '../serve/extension.ts';

/**
 * The recipient's pages: small, self-contained HTML (no script, no outside resources) that never
 * shows personal data: no name, no address, no customer id, only the message's topics and the
 * choices. Every response forbids caching, framing and sending the tokened URL as a referrer.
 */
export const PAGE_HEADERS: Record<string, string> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function page(status: number, title: string, body: string): ServeResponse {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(title)}</title><style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#222}button{font:inherit;padding:.5rem 1rem;margin-top:1rem}label{display:block;margin:.5rem 0}.d{color:#666;font-size:.9em;margin-left:1.6rem}</style></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
  return { status, headers: PAGE_HEADERS, body: html };
}

/** The answer to a token that is forged, altered, for another purpose or for no sent message. */
export function notFound(): ServeResponse {
  return page(404, 'Link not found', '<p>This link is not valid. If you copied it from an email, check that it is complete.</p>');
}

export function expired(): ServeResponse {
  return page(410, 'Link expired', '<p>This link has expired. Use the link in a more recent email.</p>');
}

export function forbidden(): ServeResponse {
  return page(403, 'Form expired', '<p>This form is out of date or came from another site. Reload the page and try again.</p>');
}

export function hidden(name: string, value: string): string {
  return `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`;
}

export function unsubscribePage(csrf: string, unsubscribed: boolean, preferencesHref: string | undefined): ServeResponse {
  const more = preferencesHref ? `<p><a href="${escapeHtml(preferencesHref)}">Choose which emails you get</a></p>` : '';
  if (unsubscribed) {
    return page(
      200,
      'You are unsubscribed',
      `<p>You will get no more marketing email from us.</p><form method="post">${hidden('csrf', csrf)}${hidden('action', 'undo')}<button type="submit">Undo: subscribe me again</button></form>${more}`,
    );
  }
  return page(
    200,
    'Unsubscribe',
    `<p>Stop all marketing email to this address?</p><form method="post">${hidden('csrf', csrf)}${hidden('action', 'unsubscribe')}<button type="submit">Unsubscribe</button></form>${more}`,
  );
}

export interface TopicChoice {
  name: string;
  title: string;
  description?: string;
  subscribed: boolean;
}

export function preferencesPage(csrf: string, topics: readonly TopicChoice[], all: boolean, saved: boolean): ServeResponse {
  const boxes = topics
    .map(
      (t) =>
        `<label><input type="checkbox" name="topic" value="${escapeHtml(t.name)}"${t.subscribed ? ' checked' : ''}> ${escapeHtml(t.title)}</label>${t.description ? `<div class="d">${escapeHtml(t.description)}</div>` : ''}`,
    )
    .join('');
  const status = saved ? '<p role="status"><strong>Your choices are saved.</strong></p>' : '';
  return page(
    200,
    'Email preferences',
    `${status}<form method="post">${hidden('csrf', csrf)}${boxes}<label><input type="checkbox" name="all" value="yes"${all ? ' checked' : ''}> Marketing email at all (untick to get none)</label><button type="submit">Save</button></form>`,
  );
}
