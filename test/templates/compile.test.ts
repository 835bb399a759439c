import { afterAll, describe, expect, it } from 'vitest';
import { compileTemplateFile, mjmlDoc, SHOWCASE, SHOWCASE_TEMPLATES, templateYaml, workspace } from './helpers.ts';
import { mjmlRunCount, stopMjmlWorker } from '../../compiler/3-analyze/templates/index.ts';

afterAll(() => stopMjmlWorker());

describe('compiling templates once', () => {
  it('compiles every showcase template without errors', () => {
    for (const name of SHOWCASE_TEMPLATES) {
      const out = compileTemplateFile(SHOWCASE, `templates/${name}.yaml`);
      expect(
        out.diagnostics.filter((d) => d.severity === 'error'),
        name,
      ).toEqual([]);
      expect(out.compiled?.html).toContain('<!doctype html>');
    }
  });

  it('runs MJML exactly once per template per build', () => {
    const before = mjmlRunCount();
    for (const name of SHOWCASE_TEMPLATES) compileTemplateFile(SHOWCASE, `templates/${name}.yaml`);
    expect(mjmlRunCount() - before).toBe(SHOWCASE_TEMPLATES.length);
  });

  it('keeps nunjucks placeholders, loops and conditionals intact through MJML', () => {
    const body = [
      '<mj-section><mj-column>',
      '<mj-text>Hi {{ customer.first_name | default("there") }} & {{ "a > b" }}</mj-text>',
      '<mj-image src="{{ item_image }}" alt="{{ customer.first_name }}" href="https://x.example/p?id={{ customer.id }}&amp;s=1" />',
      '</mj-column></mj-section>',
      '{% for item in recommendations %}',
      '<mj-section><mj-column><mj-text>{{ item.name }}</mj-text></mj-column></mj-section>',
      '{% endfor %}',
      '{% if "vip" in segments %}<mj-section><mj-column><mj-text>VIP</mj-text></mj-column></mj-section>{% endif %}',
    ].join('\n');
    const root = workspace({
      't.yaml': templateYaml('t', { subject: 'Hello', mjml: mjmlDoc(body).replace('{{ item_image }}', 'https://x.example/i.png') }),
    });
    const out = compileTemplateFile(root, 't.yaml');
    expect(out.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const html = out.compiled!.html;
    expect(html).toContain('Hi {{ customer.first_name | default("there") }} & {{ "a > b" }}');
    expect(html).toContain('alt="{{ customer.first_name }}"');
    expect(html).toContain('href="https://x.example/p?id={{ customer.id }}&amp;s=1"');
    const loop = html.indexOf('{% for item in recommendations %}');
    const end = html.indexOf('{% endfor %}');
    expect(loop).toBeGreaterThan(-1);
    expect(end).toBeGreaterThan(loop);
    expect(html.slice(loop, end)).toContain('{{ item.name }}');
    expect(html).toContain('{% if "vip" in segments %}');
    expect(html).not.toMatch(/HLNJK\d+X/);
  });

  it('adds UTM parameters to tracked links only', () => {
    const body = [
      '<mj-section><mj-column>',
      '<mj-button href="https://shop.example/sale#top">Sale</mj-button>',
      '<mj-button href="https://other.example/">Elsewhere</mj-button>',
      '<mj-text><a href="{{ preferences_url }}">Preferences</a> <a href="mailto:help@shop.example">Help</a></mj-text>',
      '{% for item in recommendations %}<mj-button href="{{ item.url }}">{{ item.name }}</mj-button>{% endfor %}',
      '</mj-column></mj-section>',
    ].join('\n');
    const root = workspace({
      't.yaml': templateYaml('t', { subject: 'Hello', mjml: mjmlDoc(body) }) + '  utm: { source: news, domains: [shop.example] }\n',
    });
    const html = compileTemplateFile(root, 't.yaml').compiled!.html;
    expect(html).toContain('href="https://shop.example/sale?utm_source=news&amp;utm_medium=email&amp;utm_campaign=t#top"');
    expect(html).toContain('href="https://other.example/"');
    expect(html).toContain('href="{{ preferences_url }}"');
    expect(html).toContain('href="{{ unsubscribe_url }}"');
    expect(html).toContain('href="mailto:help@shop.example"');
    expect(html).toContain("{{ (item.url) | track_link('utm_source=news&utm_medium=email&utm_campaign=t', ['shop.example']) }}");
  });

  it('derives a plain-text part with links as "text (url)"', () => {
    const out = compileTemplateFile(SHOWCASE, 'templates/welcome.yaml');
    const text = out.compiled!.text;
    expect(text).toContain("See what's new (https://shop.example/new?utm_source=herald&utm_medium=email&utm_campaign=welcome)");
    expect(text).toContain('Unsubscribe ({{ unsubscribe_url }})');
    expect(text).not.toMatch(/<[a-z]/i);
  });

  it('puts the preheader in the HTML as hidden text and the subject in <title>', () => {
    const out = compileTemplateFile(SHOWCASE, 'templates/cart_reminder.yaml');
    expect(out.compiled!.html).toMatch(
      /<div style="display:none;[^"]*mso-hide:all;[^"]*">Your basket is waiting(&#847;&zwnj;&nbsp;)+[^<]*<\/div>/,
    );
    expect(out.compiled!.html).toContain("<title>{{ customer.first_name | default('Hi') }}, you left something behind</title>");
  });

  it('records the variables and source files a template uses', () => {
    const out = compileTemplateFile(SHOWCASE, 'templates/recommendations.yaml');
    expect(out.compiled!.variables).toEqual(['customer.first_name', 'preferences_url', 'recommendations', 'unsubscribe_url']);
    expect(out.compiled!.files).toEqual([
      'templates/layouts/base.mjml',
      'templates/partials/footer.mjml',
      'templates/partials/header.mjml',
      'templates/partials/product-card.mjml',
      'templates/recommendations.mjml',
      'templates/recommendations.yaml',
    ]);
  });
});
