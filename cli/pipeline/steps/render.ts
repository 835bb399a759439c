import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT_ERRORS, EXIT_OK } from '../../command.ts';
import type { CompiledTemplate } from '../../../compiler/contract/template.ts';
import type { Manifest } from '../../../compiler/contract/manifest.ts';
import type { Database } from '../../../runtime/db/database.ts';
import { databaseRenderInput, loadTemplate, renderInputCache, writeRecipientEmail } from '../../../runtime/render/index.ts';
import { deliverySettingsOf } from '../../../runtime/delivery/settings.ts';
import { maskId, maskPersonalText } from '../../../compiler/contract/personal-data.ts';
import type { PipelineStep } from '../step.ts';
import { workspaceTimeZone } from '../../../runtime/workspace-settings.ts';
import { plural, shownPath } from '../text.ts';

/** Customers rendered per template. */
export const SAMPLES_PER_TEMPLATE = 3;

/** Where the sample emails go, under the job's out/ folder (replaced on every run). */
export const SAMPLES_DIR = 'samples';

/**
 * Renders every template for a few real customers from the database, as of the job's instant,
 * through the dry-run path (`.html`, `.txt` and `.eml` per email, as `herald run --dry-run`
 * writes them), into out/samples/. The template's `sample_customers` are used when the database
 * has them, else the first customers with an email address. What is printed is masked: ids
 * shortened to a hash, personal fields in subjects replaced by `[field]`.
 */
export const renderStep: PipelineStep = {
  name: 'render',
  summary: 'render sample emails for real customers into out/samples/',
  evaluatesAsOf: true,
  skipReason: (ctx) => (templatesOf(ctx.manifest).length > 0 ? undefined : 'the workspace has no templates'),
  async run(ctx) {
    const asOf = await ctx.asOf();
    const dir = join(ctx.outDir, SAMPLES_DIR);
    rmSync(dir, { recursive: true, force: true });
    const timeZone = workspaceTimeZone(ctx.manifest);
    const cache = renderInputCache();
    // The sender a dry run writes: the template's own, else the workspace's delivery `from`.
    const from = deliverySettingsOf(ctx.manifest, ctx.dir).from;
    let written = 0;
    let failed = 0;
    for (const compiled of templatesOf(ctx.manifest)) {
      const template = loadTemplate(compiled);
      for (const id of await sampleCustomers(ctx.db, ctx.manifest, compiled, SAMPLES_PER_TEMPLATE)) {
        const input = await databaseRenderInput(ctx.db, ctx.manifest, compiled, id, asOf, undefined, cache);
        const outcome = await writeRecipientEmail(template, input, {
          dir,
          name: `${compiled.name}.${id}`.replace(/[^A-Za-z0-9._-]/g, '_'),
          from,
          date: new Date(asOf),
          boundary: `herald-${input.message_id}`,
          ...(timeZone !== undefined ? { timeZone } : {}),
        });
        const who = maskId(id);
        if (!outcome.ok) {
          failed++;
          ctx.out.line(`${compiled.name.padEnd(22)} ${who.padEnd(10)} not rendered: ${outcome.reason}`);
          continue;
        }
        written++;
        const subject = maskPersonalText(outcome.email.subject, input.customer, ctx.manifest.dataModel);
        ctx.out.line(`${compiled.name.padEnd(22)} ${who.padEnd(10)} ${JSON.stringify(subject)}`);
      }
    }
    ctx.out.line(
      `${plural(written, 'email')} (.html, .txt, .eml) written to ${shownPath(ctx.io.cwd, dir)}/${failed > 0 ? `; ${plural(failed, 'recipient')} could not be rendered` : ''}`,
    );
    return { exitCode: failed > 0 ? EXIT_ERRORS : EXIT_OK, note: plural(written, 'sample email') };
  },
};

function templatesOf(manifest: Manifest): CompiledTemplate[] {
  return Object.values(manifest.definitions)
    .filter((d) => d.kind === 'Template' && d.compiled !== undefined)
    .map((d) => d.compiled as CompiledTemplate)
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** The template's sample customers that are in the database, topped up with the first customers (by id) who have an email address. */
async function sampleCustomers(db: Database, manifest: Manifest, compiled: CompiledTemplate, limit: number): Promise<string[]> {
  const k = db.kysely;
  const named =
    compiled.sample_customers.length === 0
      ? []
      : (await k.selectFrom('customers').select('id').where('id', 'in', compiled.sample_customers).execute()).map((r) => String(r.id));
  const chosen = compiled.sample_customers.filter((id) => named.includes(id)).slice(0, limit);
  const email = Object.entries(manifest.dataModel.customers.fields).find(([, f]) => f.type === 'email')?.[0];
  if (chosen.length < limit && email) {
    const more = await k
      .selectFrom('customers')
      .select('id')
      .where(email, 'is not', null)
      .orderBy('id')
      .limit(limit + chosen.length)
      .execute();
    for (const r of more) if (chosen.length < limit && !chosen.includes(String(r.id))) chosen.push(String(r.id));
  }
  return chosen;
}
