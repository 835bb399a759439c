import { EXIT_OK } from '../../command.ts';
import { materialize } from '../../../runtime/segments/materialize.ts';
import { requireModelsForRules } from '../../../runtime/models/require-trained.ts';
import { segmentTableLines } from '../../commands/segments.ts';
import type { PipelineStep } from '../step.ts';
import { plural } from '../text.ts';

/** Rebuilds the traits and materializes every segment as of the job's instant; prints the counts. */
export const segmentsStep: PipelineStep = {
  name: 'segments',
  summary: 'rebuild traits and materialize segments as of the end of the data',
  evaluatesAsOf: true,
  skipReason: (ctx) =>
    Object.values(ctx.manifest.definitions).some((d) => d.kind === 'Segment' || d.kind === 'Trait')
      ? undefined
      : 'the workspace has no traits or segments',
  async run(ctx) {
    const asOf = await ctx.asOf();
    await requireModelsForRules(ctx.db.kysely, ctx.manifest); // rules reading score()/tier() need trained models
    const result = await materialize(ctx.db, ctx.manifest, asOf);
    ctx.out.line(
      `as of ${new Date(asOf).toISOString()}${ctx.flags.asOf === undefined ? ' (the end of the loaded data; --as-of changes it)' : ''}`,
    );
    if (result.traits.length > 0)
      ctx.out.line(`traits: ${result.traits.map((t) => `${t.trait} (${plural(t.rows, 'customer')})`).join(', ')}`);
    if (result.segments.length > 0) ctx.out.line(segmentTableLines(result).join('\n'));
    return { exitCode: EXIT_OK, note: plural(result.segments.length, 'segment') };
  },
};
