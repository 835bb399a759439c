import type { Database } from '../db/database.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import type { CompiledTemplate } from '../../compiler/contract/template.ts';
import type { DeliverySettings } from '../delivery/settings.ts';
import type { Route, ServeRequest, ServeResponse } from '../serve/extension.ts';
import { findSentMessage, type MessageLookup } from './messages.ts';
import { isMachine } from './machine.ts';
import { pathOf } from './link-routes.ts';
import { recordMessageEvent } from './record.ts';
import { LINK_ID_PATTERN, type LinkSigner } from './tokens.ts';

/**
 * Click and open tracking at `delivery.tracking_url`:
 * - `GET <tracking>/c/<token>/<link id>` records `email_clicked` and answers 302 to the link the
 *   compiled template had under that id. The target comes from the manifest only: nothing in the
 *   request can name another URL (a path with anything after the link id does not match).
 * - `GET <tracking>/o/<token>` records `email_opened` and answers a 1×1 transparent GIF.
 *
 * Both are de-duplicated (one event per message, link and kind of reader) and flag machine hits
 * (machine.ts). A token valid for the message but past its lifetime still redirects (a link in an
 * old email should reach the shop) and records nothing. This is the busiest endpoint of all:
 * messages are cached by key and repeated hits skip the database.
 */
export interface TrackingRouteContext {
  db: Database;
  manifest: Manifest;
  settings: DeliverySettings;
  signer: LinkSigner;
  now(): Date;
}

const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
const PIXEL_HEADERS = { 'content-type': 'image/gif', 'cache-control': 'no-store, private', 'referrer-policy': 'no-referrer' };
const NOT_FOUND: ServeResponse = {
  status: 404,
  headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
  body: 'not found\n',
};
const CACHE_SIZE = 10_000;
/** A link scanner hits every link of a message within a couple of seconds. */
const BURST_MS = 2_000;

export function trackingRoutes(ctx: TrackingRouteContext): Route[] {
  const base = pathOf(ctx.settings.trackingUrl);
  const tracker = new Tracker(ctx);
  const click = (request: ServeRequest, params: Record<string, string>) => tracker.click(request, params.token ?? '', params.link ?? '');
  const open = (request: ServeRequest, params: Record<string, string>) => tracker.open(request, params.token ?? '');
  return [
    { method: 'GET', path: `${base}/c/:token/:link`, bodyLimit: 0, handle: click },
    { method: 'HEAD', path: `${base}/c/:token/:link`, bodyLimit: 0, handle: click },
    { method: 'GET', path: `${base}/o/:token`, bodyLimit: 0, handle: open },
    { method: 'HEAD', path: `${base}/o/:token`, bodyLimit: 0, handle: open },
  ];
}

export class Tracker {
  private readonly templates = new Map<string, CompiledTemplate>();
  private readonly messages = new Map<string, MessageLookup>();
  /** Events already stored (or found stored): a repeated hit costs no query. */
  private readonly recorded = new Set<string>();
  /** Recent click instants per message, by link: for the scanner burst check. */
  private readonly recent = new Map<string, Map<string, number>>();

  constructor(private readonly ctx: TrackingRouteContext) {
    for (const d of Object.values(ctx.manifest.definitions))
      if (d.kind === 'Template' && d.compiled) this.templates.set(d.name, d.compiled as CompiledTemplate);
  }

  async click(request: ServeRequest, token: string, linkId: string): Promise<ServeResponse> {
    if (!LINK_ID_PATTERN.test(linkId)) return NOT_FOUND;
    const key = this.ctx.signer.verify(token, 'click', linkId);
    if (!key) return NOT_FOUND;
    const now = this.ctx.now().getTime();
    const lookup = await this.message(key, now);
    if (!lookup.found && lookup.status === 404) return NOT_FOUND;
    const template = lookup.found ? this.templates.get(lookup.message.template) : undefined;
    const links = template?.tracking?.links;
    const target = links && Object.hasOwn(links, linkId) ? links[linkId] : undefined;
    if (target === undefined) return NOT_FOUND;
    const redirect: ServeResponse = {
      status: 302,
      headers: { location: target, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' },
    };
    if (!lookup.found) return redirect;
    const message = lookup.message;
    const burst = this.burst(key, linkId, now);
    const machine = isMachine({
      kind: 'click',
      userAgent: String(request.headers['user-agent'] ?? ''),
      remoteAddress: request.remoteAddress,
      method: request.method,
      at: now,
      sentAt: message.sentAt,
      otherLinksJustHit: burst,
    });
    const id = `email_clicked:${key}:${linkId}:${machine ? 'machine' : 'human'}`;
    if (!this.recorded.has(id)) {
      await recordMessageEvent(
        this.ctx.db.kysely,
        this.ctx.manifest,
        message,
        'email_clicked',
        id,
        now,
        { url: target, machine },
        this.ctx.db.dialect,
      );
      this.remember(this.recorded, id);
    }
    return redirect;
  }

  async open(request: ServeRequest, token: string): Promise<ServeResponse> {
    const key = this.ctx.signer.verify(token, 'open');
    if (!key) return NOT_FOUND;
    const now = this.ctx.now().getTime();
    const lookup = await this.message(key, now);
    if (lookup.found) {
      const message = lookup.message;
      const machine = isMachine({
        kind: 'open',
        userAgent: String(request.headers['user-agent'] ?? ''),
        remoteAddress: request.remoteAddress,
        method: request.method,
        at: now,
        sentAt: message.sentAt,
      });
      const id = `email_opened:${key}:${machine ? 'machine' : 'human'}`;
      if (!this.recorded.has(id)) {
        await recordMessageEvent(this.ctx.db.kysely, this.ctx.manifest, message, 'email_opened', id, now, { machine }, this.ctx.db.dialect);
        this.remember(this.recorded, id);
      }
    }
    return { status: 200, headers: PIXEL_HEADERS, body: request.method === 'HEAD' ? '' : PIXEL };
  }

  /** The message, cached: a found one stays found until its links expire, which is re-checked here. */
  private async message(key: string, now: number): Promise<MessageLookup> {
    const cached = this.messages.get(key);
    if (cached?.found) return now > cached.message.sentAt + this.ctx.settings.linkLifetimeMs ? { found: false, status: 410 } : cached;
    const lookup = await findSentMessage(this.ctx.db.kysely, key, now, this.ctx.settings.linkLifetimeMs);
    // Only found messages are cached: a message not sent yet may be sent a moment later.
    if (lookup.found) this.remember(this.messages, key, lookup);
    return lookup;
  }

  /** How many other links of the message were clicked in the last moments (then records this one). */
  private burst(key: string, linkId: string, now: number): number {
    const hits = this.recent.get(key) ?? new Map<string, number>();
    let others = 0;
    for (const [link, at] of hits) if (link !== linkId && now - at <= BURST_MS) others++;
    hits.set(linkId, now);
    this.remember(this.recent, key, hits);
    return others;
  }

  /** Bounded memory: the oldest entries go first. */
  private remember<K, V>(store: Set<K> | Map<K, V>, key: K, value?: V): void {
    if (store.size >= CACHE_SIZE) store.delete(store.keys().next().value as K);
    if (store instanceof Set) store.add(key);
    else store.set(key, value as V);
  }
}
