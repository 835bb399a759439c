/**
 * Writes the flagship templates' preview data (campaigns/data/samples/templates.yaml) from the
 * flagship database: for every template's `sample_customers`, what rendering from the database
 * would use (profile, traits, segments, scores and tiers, recommendations, open basket), as of
 * the end of the data. Previews, tests and the screenshot check then render real customers
 * without a database. Run it after `npm start`; the output is committed.
 *
 *   node bin/run-ts.js scripts/template-samples.ts [campaigns]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { runPipeline } from '../compiler/index.ts';
import type { CompiledTemplate } from '../compiler/contract/template.ts';
import type { Manifest } from '../compiler/contract/manifest.ts';
import { openDatabase } from '../runtime/db/open.ts';
import { databaseRenderInput, renderInputCache } from '../runtime/render/index.ts';
import { defaultAsOf } from '../cli/pipeline/as-of.ts';
import { chooseDatabase } from '../cli/workspace-runtime.ts';

const workspace = resolve(process.argv[2] ?? 'campaigns');
const result = runPipeline(workspace, { emit: true });
if (!result.emitted) throw new Error('the workspace does not compile: run `herald validate` for the errors');
const manifest = result.emitted.manifest as Manifest;
const db = openDatabase(chooseDatabase(undefined, process.env, manifest).url, { baseDir: workspace });
const asOf = await defaultAsOf(db);
const cache = renderInputCache();

const templates = Object.values(manifest.definitions)
  .filter((d) => d.kind === 'Template')
  .map((d) => d.compiled as CompiledTemplate);
const customers = new Map<string, Record<string, unknown>>();
const items = new Map<string, Record<string, unknown>>();
const sample = {
  traits: {} as Record<string, unknown>,
  segments: {} as Record<string, string[]>,
  scores: {} as Record<string, unknown>,
  tiers: {} as Record<string, unknown>,
  recommendations: {} as Record<string, string[]>,
};
const events: Array<Record<string, unknown>> = [];
const timestampFields = Object.entries(manifest.dataModel.customers.fields)
  .filter(([, f]) => f.type === 'timestamp' || f.type === 'date')
  .map(([k]) => k);

for (const template of templates) {
  for (const id of template.sample_customers) {
    if (customers.has(id)) continue;
    // Six recommendations, the most any flagship template shows (fewer are the first of these).
    const input = await databaseRenderInput(
      db,
      manifest,
      { ...template, recommendations: { ...template.recommendations, count: 6 } },
      id,
      asOf,
      undefined,
      cache,
    );
    const customer = { ...input.customer };
    for (const f of timestampFields) if (typeof customer[f] === 'number') customer[f] = new Date(customer[f] as number).toISOString();
    customers.set(id, customer);
    sample.traits[id] = input.traits;
    sample.segments[id] = input.segments ?? [];
    sample.scores[id] = input.scores;
    sample.tiers[id] = input.tiers;
    sample.recommendations[id] = (input.recommendations ?? []).map((i) => String(i.id));
    for (const item of [...(input.recommendations ?? []), ...(input.journey?.entry?.items ?? [])]) items.set(String(item.id), item);
    // The open basket as the cart events that made it (one per item, most recent last).
    const basket = input.journey?.entry?.items ?? [];
    basket.reverse().forEach((item, i) =>
      events.push({
        customer: id,
        type: 'added_to_cart',
        at: new Date(asOf - (basket.length - i) * 3_600_000).toISOString(),
        item_id: String(item.id),
        price: item.price ?? null,
      }),
    );
  }
}
await db.close();

const header = [
  '# Preview data of the flagship templates: real customers of the Online Retail data (with the generated',
  '# names and example.test addresses of data/enrichment), as rendering from the database saw them at',
  `# ${new Date(asOf).toISOString()}. Written by scripts/template-samples.ts after \`npm start\`; not definitions`,
  '# (.heraldignore keeps the compiler out of data/).',
  '',
].join('\n');
const out = join(workspace, 'data', 'samples');
mkdirSync(out, { recursive: true });
writeFileSync(
  join(out, 'templates.yaml'),
  header +
    stringify(
      {
        customers: [...customers.values()],
        items: [...items.values()].sort((a, b) => (String(a.id) < String(b.id) ? -1 : 1)),
        events,
        ...sample,
      },
      { lineWidth: 0 },
    ),
);
process.stdout.write(`${customers.size} customers, ${items.size} items written to ${join(out, 'templates.yaml')}\n`);
