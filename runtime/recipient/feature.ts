import { deliverySettingsOf, type DeliverySettings } from '../delivery/settings.ts';
import type { ServeContext, ServeFeature, ServeFeatureFactory } from '../serve/extension.ts';
import { linkRoutes } from './link-routes.ts';
import { SecretError, serveSecret, type LinkSecret } from './secret.ts';
import { LinkSigner } from './tokens.ts';
import { trackingRoutes } from './tracking-routes.ts';

/**
 * The recipient's side of `herald serve`: one-click unsubscribe, the unsubscribe and preferences
 * pages, and click and open tracking, at the paths of the workspace's configured link bases.
 * Links are checked with `HERALD_SECRET` (serveSecret: a dry run gets a throwaway one, shared with
 * the server's delivery worker in the same process, so the links it sends work).
 */
export interface RecipientOptions {
  /** Overrides the environment's secret (tests). */
  secret?: LinkSecret;
  /** Overrides the workspace's delivery settings (a dry run serving its links itself: see `localLinkSettings`). */
  settings?: DeliverySettings;
}

/**
 * The delivery settings with every link base moved to another origin, paths kept: under
 * `herald serve --dry-run` the emails the server writes link to the server itself, so a link
 * opened in a browser reaches it.
 */
export function localLinkSettings(settings: DeliverySettings, origin: string): DeliverySettings {
  const move = (url: string) => {
    const u = new URL(url);
    return `${origin.replace(/\/+$/, '')}${u.pathname.replace(/\/+$/, '')}`;
  };
  return {
    ...settings,
    unsubscribeUrl: move(settings.unsubscribeUrl),
    preferencesUrl: move(settings.preferencesUrl),
    trackingUrl: move(settings.trackingUrl),
  };
}

export function createRecipientFeature(context: ServeContext, options: RecipientOptions = {}): ServeFeature {
  const secret = options.secret ?? secretOf(context);
  const signer = new LinkSigner(secret);
  const settings = options.settings ?? deliverySettingsOf(context.manifest, context.dir);
  const shared = { db: context.db, manifest: context.manifest, settings, signer, now: () => context.now() };
  return {
    name: 'recipient',
    routes: [...linkRoutes({ ...shared, wake: () => context.wake() }), ...trackingRoutes(shared)],
  };
}

/**
 * The command refuses to start without HERALD_SECRET outside a dry run (cli/commands/serve.ts); a
 * server started in code without one uses the process's throwaway secret, as its worker does, and
 * says so.
 */
function secretOf(context: ServeContext): LinkSecret {
  try {
    return serveSecret(context.env, context.dryRun).secret;
  } catch (e) {
    if (!(e instanceof SecretError)) throw e;
    context.log.warn('HERALD_SECRET is not set: links are checked with a throwaway secret for this process');
    return serveSecret(context.env, true).secret;
  }
}

export const recipientFeature: ServeFeatureFactory = (context) => createRecipientFeature(context);
