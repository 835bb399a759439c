import { parseTime } from '../../../compiler/3-analyze/journeys/times.ts';
import { UsageError } from '../../command.ts';
import type { Check } from '../prompter.ts';
import { envelope, type NewDefinition } from './kind.ts';
import { namesOf } from './workspace-info.ts';

const checkSendAt: Check = (v) =>
  parseTime(v) !== undefined
    ? true
    : `"${v}" is not a send time: write e.g. 2026-02-01T09:00 local (each customer's own time zone) or 2026-02-01T09:00Z`;

/** Tomorrow at 09:00 in each customer's time zone: a send time that is not already past. */
function tomorrowNine(now: number): string {
  return `${new Date(now + 86_400_000).toISOString().slice(0, 10)}T09:00 local`;
}

export const newCampaign: NewDefinition = {
  kind: 'Campaign',
  folder: 'campaigns',
  flags: {
    audience: 'the segment it goes to; default: the first one',
    template: 'the template it sends; default: the first one',
    'send-at': 'when, e.g. "2026-02-01T09:00 local"; default: tomorrow 09:00 local',
  },
  async ask(prompter, info, flags) {
    const segments = namesOf(info, 'Segment');
    const templates = namesOf(info, 'Template');
    if (segments.length === 0)
      throw new UsageError('a campaign goes to a segment, and the workspace has none yet: `herald new Segment NAME` first');
    if (templates.length === 0)
      throw new UsageError('a campaign sends a template, and the workspace has none yet: `herald new Template NAME` first');
    const audience = await prompter.choose({
      flag: 'audience',
      message: 'Who gets it (a segment)',
      given: flags.audience,
      default: segments[0]!,
      optional: true,
      choices: segments.map((s) => ({ value: s, name: s })),
    });
    const template = await prompter.choose({
      flag: 'template',
      message: 'Which email',
      given: flags.template,
      default: templates[0]!,
      optional: true,
      choices: templates.map((t) => ({ value: t, name: t })),
    });
    const sendAt = await prompter.text({
      flag: 'send-at',
      message: 'When to send it',
      given: flags['send-at'],
      default: tomorrowNine(Date.now()),
      optional: true,
      check: checkSendAt,
    });
    return { audience, template, 'send-at': sendAt };
  },
  files: (name, d) => [
    {
      path: `campaigns/${name}.yaml`,
      content: `# A one-off broadcast: the audience as of the send time gets the template (consent and caps apply).\n${envelope('Campaign', name, d.description)}  audience: ${d.audience}\n  template: ${d.template}\n  send_at: ${d['send-at']}\n`,
    },
  ],
};
