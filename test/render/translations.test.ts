import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compileTemplateFile, mjmlDoc, templateYaml, workspace } from '../templates/helpers.ts';
import { stopMjmlWorker, type CompiledTemplate } from '../../compiler/3-analyze/templates/index.ts';
import { chooseLanguage } from '../../compiler/contract/languages.ts';
import { loadTemplate, renderEmail, type RenderInput } from '../../runtime/render/index.ts';

afterAll(() => stopMjmlWorker());

const base: Omit<RenderInput, 'customer'> = {
  unsubscribe_url: 'https://u.example/unsub/t1',
  preferences_url: 'https://u.example/prefs/t1',
  message_id: 'm1@u.example',
};

const CATALOGUES = {
  'translations/en.yaml': 'greeting: "Hello {name}"\njoined: "You joined on {date} and spent {amount}."\n',
  'translations/de.yaml': 'greeting: "Hallo {name}"\njoined: "Sie sind seit {date} dabei und haben {amount} ausgegeben."\n',
  'translations/ar.yaml': 'greeting: "مرحبا {name}"\njoined: "انضممت في {date} وأنفقت {amount}."\n',
};

function compiled(): CompiledTemplate {
  const body = `<mj-section><mj-column><mj-text>{{ t('greeting', name=customer.first_name | default('x')) }}</mj-text><mj-text>{{ t('joined', date=customer.signup_at | date('long'), amount=40 | currency) }}</mj-text></mj-column></mj-section>`;
  const root = workspace({
    ...CATALOGUES,
    't.yaml': templateYaml('t', { subject: "{{ t('greeting', name='you') }}", mjml: mjmlDoc(body), translations: 'translations' }),
  });
  const out = compileTemplateFile(root, 't.yaml');
  if (!out.compiled) throw new Error(JSON.stringify(out.diagnostics));
  return out.compiled;
}

describe('translated templates', () => {
  const t = loadTemplate(compiled());
  const render = (locale: string | undefined) => {
    const r = renderEmail(t, {
      ...base,
      customer: { id: 'c1', first_name: 'Ada', signup_at: '2011-11-04T10:00:00Z', ...(locale ? { locale } : {}) },
    });
    if (!r.ok) throw new Error(r.reason);
    return r.email;
  };

  it("renders in the customer's language, with lang, dir and formats of the language used", () => {
    const de = render('de-AT');
    expect(de.subject).toBe('Hallo you');
    expect(de.html).toMatch(/<html lang="de-AT" dir="ltr"/);
    const pounds = new Intl.NumberFormat('de-AT', { style: 'currency', currency: 'GBP' }).format(40);
    expect(de.html).toContain(`Sie sind seit 4. November 2011 dabei und haben ${pounds} ausgegeben.`);
    const ar = render('ar-EG');
    expect(ar.html).toMatch(/<html lang="ar-EG" dir="rtl"/);
    expect(ar.text).toContain('مرحبا Ada');
  });

  it('falls back nl-BE -> nl -> the template language, and then formats in the template locale', () => {
    const nl = render('nl-BE');
    expect(nl.subject).toBe('Hello you');
    expect(nl.html).toMatch(/<html lang="en-GB" dir="ltr"/);
    expect(nl.html).toContain('You joined on 4 November 2011 and spent £40.00.');
    expect(render(undefined).html).toMatch(/<html lang="en-GB"/);
  });

  it('an untranslated template says its own language and formats in it, whatever the customer locale', () => {
    const root = workspace({
      'u.yaml': templateYaml('u', {
        subject: 'Hi',
        mjml: mjmlDoc("<mj-section><mj-column><mj-text>On {{ '2011-11-04T10:00:00Z' | date('long') }}</mj-text></mj-column></mj-section>"),
      }),
    });
    const u = loadTemplate(compileTemplateFile(root, 'u.yaml').compiled!);
    const r = renderEmail(u, { ...base, customer: { id: 'c', locale: 'nl-NL' } });
    expect(r.ok && r.email.html).toMatch(/<html lang="en-GB" dir="ltr"/);
    expect(r.ok && r.email.html).toContain('On 4 November 2011');
  });

  it('picks a language the template has, or its own (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('en', 'de', 'fr', 'nl', 'ar', 'pt'),
        fc.constantFrom('', '-DE', '-BE', '_AT', '-x1'),
        fc.boolean(),
        (lang, region, upper) => {
          const tag = upper ? `${lang}${region}`.toUpperCase() : `${lang}${region}`;
          const got = chooseLanguage(tag, ['en', 'de', 'ar'], 'en');
          expect(['en', 'de', 'ar']).toContain(got);
          if (['de', 'ar'].includes(lang)) expect(got).toBe(lang);
        },
      ),
    );
  });
});

describe('template checks for translations and empty lists (fixture folders under test/fixtures/templates)', () => {
  const codesOf = (name: string) =>
    compileTemplateFile(`test/fixtures/templates/${name}/input`, 'template.yaml').diagnostics.map(
      (d) => `${d.code} ${d.file}:${d.range?.start.line}`,
    );

  it('reports catalogue problems, missing keys and placeholders where they are written', () => {
    expect(codesOf('translations').sort()).toEqual(
      [
        'HL345 template.yaml:9',
        'HL346 translations/de.yaml:1',
        'HL346 translations/de.yaml:3',
        'HL346 translations/fr.yaml:1',
        'HL347 template.yaml:5',
        'HL347 translations/de.yaml:2',
        'HL348 translations/fr.yaml:1',
        'HL348 translations/not-a-language!.yaml:1',
      ].sort(),
    );
  });

  it('warns about loops over context lists that say nothing when empty', () => {
    expect(codesOf('empty-list')).toEqual(['HL344 template.yaml:9', 'HL344 template.yaml:12']);
  });
});
