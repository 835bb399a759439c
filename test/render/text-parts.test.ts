import { afterAll, describe, expect, it } from 'vitest';
import { stopMjmlWorker } from '../../compiler/3-analyze/templates/index.ts';
import { buildRenderContext, loadTemplate, renderEmail, type LoadedTemplate, type RenderInput } from '../../runtime/render/index.ts';
import { withSettings } from '../../runtime/render/settings.ts';
import { emailLanguage } from '../../runtime/render/translate.ts';
import { compileTemplateFile, mjmlDoc, templateYaml, workspace } from '../templates/helpers.ts';
import { compileTemplates, recipientsOf, templateWorkspaces } from '../templates/workspaces.ts';

afterAll(() => stopMjmlWorker());

const AS_OF = Date.UTC(2011, 11, 10);

/** Subject, preheader and text rendered one by one, as three separate templates. */
function partByPart(t: LoadedTemplate, input: RenderInput) {
  const ctx = buildRenderContext(input) as unknown as object;
  const language = emailLanguage(t.compiled, input.customer.locale);
  const settings = {
    locale: language.locale,
    ...(language.messages ? { messages: language.messages } : {}),
    timeZone: String(input.customer.timezone ?? t.compiled.timezone ?? 'UTC'),
    currency: t.compiled.currency,
    ...(t.rules.size > 0 ? { rules: { compiled: t.rules, asOf: AS_OF } } : {}),
  };
  return withSettings(settings, () => ({
    subject: t.subject.render(ctx).replace(/\s+/g, ' ').trim(),
    preheader: t.preheader?.render(ctx).replace(/\s+/g, ' ').trim(),
    text: t.text.render(ctx),
  }));
}

describe('subject, preheader and text rendered in one call', () => {
  it('give what rendering each part alone gives, for every example and flagship template', () => {
    let checked = 0;
    for (const dir of templateWorkspaces()) {
      for (const t of compileTemplates(dir).templates) {
        const loaded = loadTemplate(t.compiled);
        for (const { input } of recipientsOf(t)) {
          const r = renderEmail(loaded, input, { asOf: AS_OF, timeZone: 'UTC' });
          if (!r.ok) continue; // a recipient the template cannot fill is checked elsewhere
          const alone = partByPart(loaded, input);
          expect(r.email.subject).toBe(alone.subject);
          expect(r.email.preheader).toBe(alone.preheader);
          expect(r.email.text.trim()).toBe(
            alone.text
              .replace(/^[ \t]+|[ \t]+$/gm, '')
              .replace(/\n{3,}/g, '\n\n')
              .trim(),
          );
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('keeps whitespace control at the joins from reaching across parts', () => {
    const root = workspace({
      'templates/edge.yaml': templateYaml('edge', {
        subject: 'Hello {{ customer.first_name | default("you") -}}   ',
        preheader: '   {%- if customer.first_name %}for {{ customer.first_name }}{% endif -%}   ',
        mjml: mjmlDoc('<mj-section><mj-column><mj-text>{%- if true %}Body{% endif %}</mj-text></mj-column></mj-section>'),
      }),
    });
    const { compiled } = compileTemplateFile(root, 'templates/edge.yaml');
    const loaded = loadTemplate(compiled!);
    const input = {
      customer: { id: 'x', first_name: 'Ada' },
      unsubscribe_url: 'https://u.example/x',
      preferences_url: 'https://u.example/p',
      message_id: 'm@x',
    };
    const r = renderEmail(loaded, input);
    if (!r.ok) throw new Error(r.reason);
    expect(r.email.subject).toBe('Hello Ada');
    expect(r.email.preheader).toBe('for Ada');
    expect(r.email.text).toContain('Body');
  });

  it('still names the part that failed when a value is missing', () => {
    const root = workspace({
      'templates/strict.yaml': templateYaml('strict', {
        subject: 'Hi {{ customer.first_name }}',
        mjml: mjmlDoc('<mj-section><mj-column><mj-text>Hello</mj-text></mj-column></mj-section>'),
      }),
    });
    const { compiled } = compileTemplateFile(root, 'templates/strict.yaml');
    const r = renderEmail(loadTemplate(compiled!), {
      customer: { id: 'x' },
      unsubscribe_url: 'https://u.example/x',
      preferences_url: 'https://u.example/p',
      message_id: 'm@x',
    });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/customer\.first_name.*\(subject line 1/);
  });
});
