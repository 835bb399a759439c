import type { Manifest } from '../../../compiler/contract/manifest.ts';
import type { ModelJobSpec } from '../../../compiler/contract/model-job.ts';
import { modelOutputsByCustomer } from '../../models/store/customer-outputs.ts';
import { modelRecommendationsByCustomer, popularRecommendationsFor, renderInputCache } from '../../render/from-database.ts';
import type { Route, ServeContext } from '../../serve/extension.ts';
import { AccessKeys, json, maskCustomerId } from './keys.ts';

/**
 * The models over HTTP, for an email platform to call at send time:
 * `GET /v1/customers/{id}/recommendations?model=&k=` answers the items a template would show (the
 * active version's recommendations as last scored, else the popularity fallback templates use),
 * and `GET /v1/customers/{id}/scores` every model's score and tier for the customer. Both need the
 * read key (HERALD_READ_KEY); logs carry masked ids only.
 */
export const READ_KEY_VARIABLE = 'HERALD_READ_KEY';
const MAX_K = 100;
/**
 * How long the popularity ranking is reused before it is read again. A fallback answer is as of
 * the ranking's instant (the customer's purchases up to then are left out): at most this old.
 */
const POPULAR_TTL_MS = 60_000;

export function modelRoutes(ctx: ServeContext): Route[] {
  const keys = AccessKeys.fromEnv(ctx.env, READ_KEY_VARIABLE);
  const recommenders = recommendationModels(ctx.manifest);
  const requests = ctx.metrics.counter(
    'herald_model_requests_total',
    'Model endpoint answers, by endpoint and where the answer came from',
    ['endpoint', 'source'],
  );
  // The ranking is cached by its instant: every call in the next minute asks for that instant (a
  // call asking as of its own millisecond would miss the cache and scan every purchase again).
  let popular = { asOf: 0, cache: renderInputCache() };
  const sharedPopularity = () => {
    const now = ctx.now().getTime();
    if (now - popular.asOf > POPULAR_TTL_MS) popular = { asOf: now, cache: renderInputCache() };
    return popular;
  };
  const customerExists = async (id: string) =>
    (await ctx.db.kysely.selectFrom('customers').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;

  return [
    {
      method: 'GET',
      path: '/v1/customers/:id/recommendations',
      bodyLimit: 0,
      async handle(request, params) {
        const refused = keys.check(request.headers);
        if (refused) return refused;
        const id = params.id ?? '';
        const k = request.query.get('k') ?? '10';
        if (!/^\d{1,3}$/.test(k) || Number(k) < 1 || Number(k) > MAX_K)
          return json(400, { error: `k must be a whole number from 1 to ${MAX_K} (got "${k.slice(0, 20)}")` });
        const named = request.query.get('model');
        const model = named ?? (recommenders.length === 1 ? recommenders[0] : undefined);
        if (model === undefined)
          return json(400, {
            error:
              recommenders.length === 0
                ? 'this workspace has no recommendations model'
                : `name the model: ?model= one of ${recommenders.join(', ')}`,
          });
        if (!recommenders.includes(model))
          return json(404, {
            error: `no recommendations model "${model.slice(0, 64)}"; the workspace has ${recommenders.join(', ') || 'none'}`,
            models: recommenders,
          });
        if (!(await customerExists(id))) return json(404, { error: 'no such customer' });
        const count = Number(k);
        const modelled = (await modelRecommendationsByCustomer(ctx.db, ctx.manifest, model, [id], count)).get(id) ?? [];
        const source = modelled.length > 0 ? 'model' : 'popularity';
        const shared = sharedPopularity();
        const items =
          modelled.length > 0 ? modelled : await popularRecommendationsFor(ctx.db, ctx.manifest, id, count, shared.asOf, shared.cache);
        const version = source === 'model' ? await activeVersion(ctx, model) : null;
        requests.inc({ endpoint: 'recommendations', source });
        ctx.log.info('recommendations served', { customer: maskCustomerId(id), model, source, items: items.length });
        return json(200, { customer_id: id, model, version, source, items });
      },
    },
    {
      method: 'GET',
      path: '/v1/customers/:id/scores',
      bodyLimit: 0,
      async handle(request, params) {
        const refused = keys.check(request.headers);
        if (refused) return refused;
        const id = params.id ?? '';
        if (!(await customerExists(id))) return json(404, { error: 'no such customer' });
        const outputs = (await modelOutputsByCustomer(ctx.db.kysely, [id])).get(id) ?? { scores: {}, tiers: {} };
        requests.inc({ endpoint: 'scores', source: 'model' });
        ctx.log.info('scores served', { customer: maskCustomerId(id), models: Object.keys(outputs.scores).length });
        return json(200, { customer_id: id, scores: outputs.scores, tiers: outputs.tiers });
      },
    },
  ];
}

function recommendationModels(manifest: Manifest): string[] {
  return Object.values(manifest.definitions)
    .filter((d) => d.kind === 'Model' && (d.compiled as ModelJobSpec | undefined)?.type === 'recommendations')
    .map((d) => d.name)
    .sort();
}

async function activeVersion(ctx: ServeContext, model: string): Promise<number | null> {
  const row = await ctx.db.kysely
    .selectFrom('model_recommendations')
    .select('version')
    .where('model', '=', model)
    .limit(1)
    .executeTakeFirst();
  return row?.version != null ? Number(row.version) : null;
}
