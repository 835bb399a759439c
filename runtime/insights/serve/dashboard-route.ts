import { deliverySettingsOf } from '../../delivery/settings.ts';
import type { Route, ServeContext } from '../../serve/extension.ts';
import { dashboardHtml } from '../dashboard/html.ts';
import { collectInsights } from '../report.ts';
import { AccessKeys, json } from './keys.ts';

/**
 * `GET /admin/report`: the dashboard `herald report --format html` writes, served live from the
 * database behind the admin key (HERALD_ADMIN_KEY). `?days=N` limits it to sends due in the last
 * N days (default 30). The page has no script and fetches nothing, so its Content-Security-Policy
 * forbids everything but inline styles.
 */
export const ADMIN_KEY_VARIABLE = 'HERALD_ADMIN_KEY';
const DAY = 86_400_000;

export function dashboardRoute(ctx: ServeContext): Route {
  const keys = AccessKeys.fromEnv(ctx.env, ADMIN_KEY_VARIABLE);
  return {
    method: 'GET',
    path: '/admin/report',
    bodyLimit: 0,
    async handle(request) {
      const refused = keys.check(request.headers);
      if (refused) return refused;
      const daysText = request.query.get('days') ?? '30';
      if (!/^\d{1,4}$/.test(daysText) || Number(daysText) < 1)
        return json(400, { error: `days must be a whole number from 1 to 9999 (got "${daysText.slice(0, 20)}")` });
      const now = ctx.now().getTime();
      const since = now - Number(daysText) * DAY;
      const settings = deliverySettingsOf(ctx.manifest, ctx.dir);
      const report = await collectInsights(ctx.db.kysely, ctx.manifest, {
        since,
        settings: settings.report,
        ...(settings.globalControl !== undefined ? { globalControl: settings.globalControl } : {}),
        segments: true,
      });
      const html = dashboardHtml(report, {
        workspace: ctx.manifest.metadata.workspace,
        database: ctx.db.description,
        span: `sends due in the last ${daysText} days`,
        generatedAt: ctx.now(),
      });
      return {
        status: 200,
        headers: {
          'content-type': 'text/html; charset=utf-8',
          'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
          'cache-control': 'no-store',
        },
        body: html,
      };
    },
  };
}
