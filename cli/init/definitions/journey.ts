import { UsageError } from '../../command.ts';
import { envelope, type NewDefinition } from './kind.ts';
import { likelyEvent, namesOf } from './workspace-info.ts';

export const newJourney: NewDefinition = {
  kind: 'Journey',
  folder: 'journeys',
  flags: {
    event: 'the event that starts it; default: added_to_cart, else the first event type',
    template: 'the template it sends; default: the first one',
  },
  async ask(prompter, info, flags) {
    const events = Object.keys(info.dataModel?.events ?? {});
    if (events.length === 0) throw new UsageError('a journey starts on an event, and herald.yaml declares no `events`');
    const templates = namesOf(info, 'Template');
    if (templates.length === 0)
      throw new UsageError('a journey sends a template, and the workspace has none yet: `herald new Template NAME` first');
    const event = await prompter.choose({
      flag: 'event',
      message: 'Which event starts it',
      given: flags.event,
      default: likelyEvent(info, ['added_to_cart', 'signed_up']) ?? events[0]!,
      optional: true,
      choices: events.map((e) => ({ value: e, name: e })),
    });
    const template = await prompter.choose({
      flag: 'template',
      message: 'Which email it sends',
      given: flags.template,
      default: templates[0]!,
      optional: true,
      choices: templates.map((t) => ({ value: t, name: t })),
    });
    return { event, template };
  },
  files: (name, d) => [
    {
      path: `journeys/${name}.yaml`,
      content:
        `# A journey: customers enter on the event, wait, get the email, and leave. \`herald dev\` draws it;\n` +
        `# add steps (wait_for, branch, split) and a Test (\`herald new Test ${name}_test --journey ${name}\`).\n` +
        `${envelope('Journey', name, d.description)}  entry: { event: ${d.event}, once_per: 7d }\n  steps:\n    wait_1h: { wait: 1h, next: send }\n    send: { send: ${d.template}, next: exit }\n`,
    },
  ],
};
