import { envelope, type NewDefinition } from './kind.ts';
import { amountOf, likelyEvent, yamlString } from './workspace-info.ts';

const TYPES = ['number', 'string', 'boolean', 'timestamp'] as const;

export const newTrait: NewDefinition = {
  kind: 'Trait',
  folder: 'traits',
  flags: {
    expression: 'the rule computing the value; default: a 90-day total or count',
    type: `its type, one of ${TYPES.join(', ')}; default number`,
  },
  async ask(prompter, info, flags) {
    const event = likelyEvent(info);
    const amount = event ? amountOf(info, event) : undefined;
    const fallback = event ? (amount ? `sum(${event}.${amount} within 90d)` : `count(${event} within 90d)`) : 'days_since(signup_at)';
    const expression = await prompter.text({
      flag: 'expression',
      message: 'Its value (a rule)',
      given: flags.expression,
      default: fallback,
      optional: true,
    });
    const type = await prompter.choose({
      flag: 'type',
      message: 'Its type',
      given: flags.type,
      default: 'number',
      optional: true,
      choices: TYPES.map((t) => ({ value: t, name: t })),
    });
    return { expression, type };
  },
  files: (name, d) => [
    {
      path: `traits/${name}.yaml`,
      content: `# A value per customer, computed from their data; rules read it as \`${name}\`.\n${envelope('Trait', name, d.description)}  type: ${d.type}\n  expression: ${yamlString(d.expression!)}\n`,
    },
  ],
};
