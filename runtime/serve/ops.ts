import { sql } from 'kysely';
import { MIGRATIONS } from '../db/migrations/index.ts';
import type { ServeContext, ServeFeature } from './extension.ts';
import { json } from './http/server.ts';
import type { Metrics } from './metrics.ts';

/**
 * Operations endpoints: `GET /healthz` (the process answers), `GET /readyz` (the database answers
 * and its schema is at this Herald's migration version: a load balancer sends traffic only then),
 * `GET /metrics` (Prometheus text). None is rate limited; none says anything about a customer.
 */
export function operations(metrics: Metrics): (context: ServeContext) => ServeFeature {
  const newest = Math.max(...MIGRATIONS.map((m) => m.version));
  return (context) => ({
    name: 'operations',
    routes: [
      { method: 'GET', path: '/healthz', rateLimit: false, handle: async () => json(200, { status: 'ok' }) },
      {
        method: 'GET',
        path: '/readyz',
        rateLimit: false,
        async handle() {
          try {
            await sql`select 1`.execute(context.db.kysely);
            const row = await context.db.kysely
              .selectFrom('herald_migrations')
              .select((eb) => eb.fn.max('version').as('v'))
              .executeTakeFirst();
            const version = Number(row?.v ?? 0);
            if (version !== newest)
              return json(503, { status: 'not_ready', reason: `database schema version ${version}, this Herald needs ${newest}` });
            return json(200, { status: 'ready', schema: version });
          } catch (e) {
            context.log.warn('readiness check: the database does not answer', { error: e });
            return json(503, { status: 'not_ready', reason: 'the database does not answer' });
          }
        },
      },
      {
        method: 'GET',
        path: '/metrics',
        rateLimit: false,
        handle: async () => ({
          status: 200,
          headers: { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' },
          body: metrics.render(),
        }),
      },
    ],
  });
}
