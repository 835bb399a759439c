import type { Database } from '../db/database.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import type { DeliverySettings } from '../delivery/settings.ts';
import type { Route, ServeRequest, ServeResponse } from '../serve/extension.ts';
import { checkFormToken, formToken, sameOrigin } from './csrf.ts';
import { findSentMessage, type SentMessage } from './messages.ts';
import { expired, forbidden, notFound, preferencesPage, unsubscribePage, type TopicChoice } from './pages.ts';
import { isUnsubscribed, resubscribeAll, setTopics, topicsLeft, unsubscribeAll } from './record.ts';
import type { LinkPurpose, LinkSigner } from './tokens.ts';
import { workspaceTopics } from './topics.ts';

/**
 * The unsubscribe and preferences endpoints, at the paths of `delivery.unsubscribe_url` and
 * `delivery.preferences_url` (the same path when only the first is set: the token's purpose tells
 * them apart).
 *
 * - `POST <unsubscribe>/<token>` with `List-Unsubscribe=One-Click` (RFC 8058): unsubscribes at
 *   once and answers 200 with no page, as mailbox providers expect; a replay changes nothing.
 * - `GET <unsubscribe>/<token>`: a page with an Unsubscribe button (a GET never unsubscribes:
 *   link scanners follow every link), then an Undo.
 * - `GET|POST <preferences>/<token>`: the topics the customer gets, and all email; the form is
 *   protected against CSRF (csrf.ts).
 *
 * A forged, altered or foreign token, or one for a message never sent, gets 404; an expired one
 * 410; neither changes anything.
 */
export interface LinkRouteContext {
  db: Database;
  manifest: Manifest;
  settings: DeliverySettings;
  signer: LinkSigner;
  now(): Date;
  /** Delivery may have sends to drop now (a suppression stops queued sends at their claim). */
  wake(): void;
}

/** A one-click body is small; a form with every topic ticked is too. */
const BODY_LIMIT = 8 * 1024;

export function pathOf(base: string): string {
  const path = new URL(base).pathname.replace(/\/+$/, '');
  return path;
}

export function linkRoutes(ctx: LinkRouteContext): Route[] {
  const unsubscribe = pathOf(ctx.settings.unsubscribeUrl);
  const preferences = pathOf(ctx.settings.preferencesUrl);
  const paths = new Map<string, LinkPurpose[]>();
  paths.set(`${unsubscribe}/:token`, ['unsubscribe']);
  paths.set(`${preferences}/:token`, [...(paths.get(`${preferences}/:token`) ?? []), 'preferences']);
  const routes: Route[] = [];
  for (const [path, purposes] of paths) {
    for (const method of ['GET', 'POST'] as const) {
      routes.push({
        method,
        path,
        bodyLimit: BODY_LIMIT,
        handle: (request, params) => handleLink(ctx, purposes, request, params.token ?? ''),
      });
    }
  }
  return routes;
}

async function handleLink(
  ctx: LinkRouteContext,
  purposes: readonly LinkPurpose[],
  request: ServeRequest,
  token: string,
): Promise<ServeResponse> {
  let purpose: LinkPurpose | undefined;
  let key: string | undefined;
  for (const p of purposes) {
    key = ctx.signer.verify(token, p);
    if (key) {
      purpose = p;
      break;
    }
  }
  if (!key || !purpose) return notFound();
  const now = ctx.now().getTime();
  const lookup = await findSentMessage(ctx.db.kysely, key, now, ctx.settings.linkLifetimeMs);
  if (!lookup.found) return lookup.status === 410 ? expired() : notFound();
  const message = lookup.message;
  if (purpose === 'unsubscribe')
    return request.method === 'POST' ? postUnsubscribe(ctx, request, message, now) : getUnsubscribe(ctx, message, now);
  return request.method === 'POST' ? postPreferences(ctx, request, message, now) : getPreferences(ctx, message, now, false);
}

/** The fields of a urlencoded or multipart form body (one-click senders use either). */
export function formFields(request: ServeRequest): URLSearchParams {
  const type = String(request.headers['content-type'] ?? '').toLowerCase();
  const text = request.body.toString('utf8');
  if (type.startsWith('multipart/form-data')) {
    const out = new URLSearchParams();
    for (const m of text.matchAll(
      /Content-Disposition:\s*form-data;\s*name="([^"]{1,100})"\r?\n(?:[^\r\n]+\r?\n)*\r?\n([^\r\n]{0,1000})/gi,
    ))
      out.append(m[1]!, m[2]!);
    return out;
  }
  return new URLSearchParams(text);
}

async function postUnsubscribe(ctx: LinkRouteContext, request: ServeRequest, message: SentMessage, now: number): Promise<ServeResponse> {
  const form = formFields(request);
  if (form.get('List-Unsubscribe') === 'One-Click') {
    const outcome = await unsubscribeAll(ctx.db, ctx.manifest, message, now);
    if (outcome.changed) ctx.wake();
    return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }, body: 'unsubscribed\n' };
  }
  if (
    !sameOrigin(request.headers, new URL(ctx.settings.unsubscribeUrl).origin) ||
    !checkFormToken(ctx.signer, message.key, form.get('csrf'), now)
  )
    return forbidden();
  const action = form.get('action');
  if (action === 'undo') await resubscribeAll(ctx.db, ctx.manifest, message, now);
  else if (action === 'unsubscribe') {
    if ((await unsubscribeAll(ctx.db, ctx.manifest, message, now)).changed) ctx.wake();
  } else
    return {
      status: 400,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: "expected List-Unsubscribe=One-Click, or the form's action\n",
    };
  return getUnsubscribe(ctx, message, now);
}

async function getUnsubscribe(ctx: LinkRouteContext, message: SentMessage, now: number): Promise<ServeResponse> {
  // A path, not a URL: right behind the public host and on a dry-run server reached directly.
  const preferences = `${pathOf(ctx.settings.preferencesUrl)}/${ctx.signer.sign('preferences', message.key)}`;
  return unsubscribePage(formToken(ctx.signer, message.key, now), await isUnsubscribed(ctx.db.kysely, message.customerId), preferences);
}

async function getPreferences(ctx: LinkRouteContext, message: SentMessage, now: number, saved: boolean): Promise<ServeResponse> {
  const left = await topicsLeft(ctx.db.kysely, message.customerId);
  const topics: TopicChoice[] = workspaceTopics(ctx.manifest).map((t) => ({ ...t, subscribed: !left.has(t.name) }));
  const all = !(await isUnsubscribed(ctx.db.kysely, message.customerId));
  return preferencesPage(formToken(ctx.signer, message.key, now), topics, all, saved);
}

async function postPreferences(ctx: LinkRouteContext, request: ServeRequest, message: SentMessage, now: number): Promise<ServeResponse> {
  const form = formFields(request);
  if (
    !sameOrigin(request.headers, new URL(ctx.settings.preferencesUrl).origin) ||
    !checkFormToken(ctx.signer, message.key, form.get('csrf'), now)
  )
    return forbidden();
  const declared = workspaceTopics(ctx.manifest).map((t) => t.name);
  const wanted = new Set(form.getAll('topic').filter((t) => declared.includes(t)));
  let changed = (await setTopics(ctx.db, ctx.manifest, message, wanted, declared, now)) > 0;
  if (form.get('all') === 'yes') changed = (await resubscribeAll(ctx.db, ctx.manifest, message, now)).changed || changed;
  else changed = (await unsubscribeAll(ctx.db, ctx.manifest, message, now)).changed || changed;
  if (changed) ctx.wake();
  return getPreferences(ctx, message, now, true);
}
