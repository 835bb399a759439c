import { UsageError } from '../../command.ts';
import { envelope, type NewDefinition } from './kind.ts';
import { amountOf, likelyEvent } from './workspace-info.ts';

export const newModel: NewDefinition = {
  kind: 'Model',
  folder: 'models',
  flags: { event: 'the event it predicts; default: purchase, else the first event type' },
  async ask(prompter, info, flags) {
    const events = Object.keys(info.dataModel?.events ?? {});
    if (events.length === 0) throw new UsageError('a model learns from events, and herald.yaml declares no `events`');
    return {
      event: await prompter.choose({
        flag: 'event',
        message: 'Which event it predicts',
        given: flags.event,
        default: likelyEvent(info) ?? events[0]!,
        optional: true,
        choices: events.map((e) => ({ value: e, name: e })),
      }),
    };
  },
  files(name, d, info) {
    const event = d.event!;
    const amount = amountOf(info, event);
    const features = [
      `    recency: days_since(last(${event}).at)`,
      `    frequency: count(${event} within 365d)`,
      ...(amount ? [`    monetary: sum(${event}.${amount} within 365d)`] : []),
    ].join('\n');
    return [
      {
        path: `models/${name}.yaml`,
        content:
          `# The probability of a ${event} in the next 90 days, trained by \`herald train\` on features as of a\n` +
          `# cut-off and the label after it; used only when it clears its evaluation bar.\n` +
          `${envelope('Model', name, d.description)}  type: propensity\n  label: exists(${event} within next 90d)\n  features:\n${features}\n` +
          `  tiers: { high: 0.2, medium: 0.3, low: 0.5 }\n  evaluation: { holdout: 0.2, min_auc: 0.6 }\n`,
      },
    ];
  },
};
