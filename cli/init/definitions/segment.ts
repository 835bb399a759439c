import { envelope, type NewDefinition } from './kind.ts';
import { customerField, likelyEvent, yamlString } from './workspace-info.ts';

export const newSegment: NewDefinition = {
  kind: 'Segment',
  folder: 'segments',
  flags: { where: 'the rule members satisfy; default: consented, with an event in the last 90 days' },
  async ask(prompter, info, flags) {
    const consent = customerField(info, 'email_consent')?.type === 'boolean' ? 'email_consent' : undefined;
    const event = likelyEvent(info);
    const fallback = [consent, event ? `exists(${event} within 90d)` : undefined].filter(Boolean).join(' and ') || 'true';
    return {
      where: await prompter.text({
        flag: 'where',
        message: 'Who is in it (a rule)',
        given: flags.where,
        default: fallback,
        optional: true,
      }),
    };
  },
  files: (name, d) => [
    {
      path: `segments/${name}.yaml`,
      content: `# Members: every customer for whom \`where\` holds. \`herald explain <customer>\` shows why.\n${envelope('Segment', name, d.description)}  where: ${yamlString(d.where!)}\n`,
    },
  ],
};
