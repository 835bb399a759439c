import { envelope, type NewDefinition } from './kind.ts';
import { customerField, yamlString } from './workspace-info.ts';

export const newTemplate: NewDefinition = {
  kind: 'Template',
  folder: 'templates',
  flags: { subject: 'the subject line, nunjucks allowed; default: a greeting' },
  async ask(prompter, info, flags) {
    const greeting = customerField(info, 'first_name') ? "Hello {{ customer.first_name | default('there') }}" : 'News for you';
    return {
      subject: await prompter.text({ flag: 'subject', message: 'Subject line', given: flags.subject, default: greeting, optional: true }),
    };
  },
  files(name, d, info) {
    const hello = customerField(info, 'first_name') ? "{{ customer.first_name | default('there') }}" : 'there';
    // With the workspace's layout the file holds only the body; without it, a whole MJML document.
    const body = `<mj-section>\n  <mj-column>\n    <mj-text font-size="20px">Hello ${hello},</mj-text>\n    <mj-text>Write the email here.</mj-text>\n    <mj-button href="https://example.com">Call to action</mj-button>\n  </mj-column>\n</mj-section>\n`;
    const footer = `<mj-section>\n  <mj-column>\n    <mj-text font-size="12px"><a href="{{ unsubscribe_url }}">Unsubscribe</a></mj-text>\n  </mj-column>\n</mj-section>\n`;
    const mjml = info.layout ? body : `<mjml>\n  <mj-body>\n${indent(body + footer, 4)}  </mj-body>\n</mjml>\n`;
    const sample = info.sample ? `  sample_data: ../${info.sample.path}\n  sample_customers: [${info.sample.customers.join(', ')}]\n` : '';
    return [
      {
        path: `templates/${name}.yaml`,
        content: `# An email: MJML compiled once, nunjucks filled in per customer. \`herald dev\` previews it.\n${envelope('Template', name, d.description)}  subject: ${yamlString(d.subject!)}\n${info.layout ? `  layout: ${info.layout}\n` : ''}  mjml: ${name}.mjml\n${sample}`,
      },
      { path: `templates/${name}.mjml`, content: mjml },
    ];
  },
};

function indent(text: string, n: number): string {
  return text
    .split('\n')
    .map((l) => (l === '' ? l : `${' '.repeat(n)}${l}`))
    .join('\n');
}
