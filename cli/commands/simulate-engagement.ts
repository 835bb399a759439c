import type { Command } from '../command.ts';
import { EXIT_OK, UsageError } from '../command.ts';
import { oneOf } from '../args.ts';
import { DB_OPTION, parseOptions, usageText, type OptionTable } from '../options.ts';
import { openWorkspace, runRuntimeCommand } from '../workspace-runtime.ts';
import { deliverySettingsOf } from '../../runtime/delivery/settings.ts';
import { simulateIntoDatabase } from '../../runtime/insights/simulate/to-database.ts';
import type { VariantEffect } from '../../runtime/insights/simulate/recipients.ts';
import { money, points } from '../../runtime/insights/format.ts';

const FORMATS = ['pretty', 'json'] as const;
const OPTIONS = {
  db: DB_OPTION,
  seed: { arg: 'N', description: "the simulation's seed", default: '1' },
  effect: {
    arg: 'VARIANT=UPLIFT[:REV]',
    multiple: true,
    description:
      "a variant's true effect: UPLIFT added to the chance to buy within the conversion window (0.03 = 3 points), REV the relative change of order value (0.1 = 10% larger); repeatable. Use 0 for a null variant",
    default: '0.02:0 for every variant and for sends without a split',
  },
  format: { values: FORMATS, description: 'how the true effects are printed', default: 'pretty' },
} as const satisfies OptionTable;

const USAGE = usageText({
  name: 'simulate-engagement',
  args: '[dir]',
  options: OPTIONS,
  about: `For demos and tests of \`herald report\`: simulates how the recipients of what the outbox holds
(after \`herald run\`) open, click and buy, with chances that depend on the customer (rare,
regular or loyal buyers) and on the variant they received, and stores the opens and clicks as
engagement events and the purchases as conversion events (delivery.report.conversion_event,
valued in delivery.report.revenue). Prints the true effect of each variant, for comparison
with the report. The same seed adds nothing a second time.`,
});

export const simulateEngagementCommand: Command = {
  name: 'simulate-engagement',
  summary: 'simulate opens, clicks and purchases with a known effect (demos)',
  usage: USAGE,
  options: OPTIONS,
  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, OPTIONS);
    if (positionals.length > 1) throw new UsageError(`expected at most one workspace dir, got ${positionals.length}`);
    const format = oneOf('format', values.format, FORMATS, 'pretty');
    const seed = values.seed === undefined ? 1 : Number(values.seed);
    if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`--seed "${values.seed}" is not a whole number >= 0`);
    const effects: Record<string, VariantEffect> = Object.create(null);
    for (const text of (values.effect as string[] | undefined) ?? []) {
      const [name, value] = parseEffect(text);
      effects[name] = value;
    }
    return runRuntimeCommand('simulate-engagement', io, async () => {
      const opened = await openWorkspace({ dir: positionals[0] ?? '.', db: values.db, io });
      if (typeof opened === 'number') return opened;
      try {
        const settings = deliverySettingsOf(opened.manifest, opened.dir);
        const summary = await simulateIntoDatabase(opened.db, opened.manifest, {
          seed,
          conversionEvent: settings.report.conversionEvent,
          ...(settings.report.revenueProperty ? { revenueProperty: settings.report.revenueProperty } : {}),
          windowMs: settings.report.conversionWindowMs,
          effects,
          defaultEffect: DEFAULT_EFFECT,
          ...(settings.globalControl !== undefined ? { globalControl: settings.globalControl } : {}),
        });
        if (format === 'json') {
          io.stdout.write(`${JSON.stringify({ version: 1, seed, ...summary }, null, 2)}\n`);
          return EXIT_OK;
        }
        io.stdout.write(
          `simulated (seed ${seed}) for ${summary.messages} messages sent: ${summary.opened} opened, ${summary.clicked} clicked, ${summary.purchases} purchases worth ${money(summary.revenue)}; ${summary.loaded} events stored\n`,
        );
        if (summary.truth.length > 0) io.stdout.write('true effects (what `herald report` should find):\n');
        for (const t of summary.truth)
          io.stdout.write(
            `  ${t.scope} ${t.variant}: conversion uplift ${points(t.true_conversion_uplift)}, revenue per recipient ${money(t.true_revenue_per_recipient, true)}\n`,
          );
        return EXIT_OK;
      } finally {
        await opened.db.close();
      }
    });
  },
};

const DEFAULT_EFFECT: VariantEffect = { uplift: 0.02, revenueEffect: 0, clickRate: 0.12 };

function parseEffect(text: string): [string, VariantEffect] {
  const m = /^([A-Za-z0-9_]+)=(-?\d+(?:\.\d+)?)(?::(-?\d+(?:\.\d+)?))?$/.exec(text.trim());
  if (!m) throw new UsageError(`--effect "${text}" is not VARIANT=UPLIFT[:REVENUE], e.g. ten_percent=0.03:0.1`);
  const uplift = Number(m[2]);
  const revenueEffect = m[3] === undefined ? 0 : Number(m[3]);
  if (uplift < -0.5 || uplift > 0.5)
    throw new UsageError(`--effect "${text}": the uplift is a change of a probability, between -0.5 and 0.5`);
  if (revenueEffect <= -1) throw new UsageError(`--effect "${text}": the revenue effect must be above -1 (orders cannot cost the shop)`);
  return [m[1]!, { uplift, revenueEffect, clickRate: DEFAULT_EFFECT.clickRate }];
}
