import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runHerald } from '../support/workspace-copies.ts';
import { stopMjmlWorker } from '../../compiler/3-analyze/templates/index.ts';
import { loadTemplate, renderEmail, type RenderInput } from '../../runtime/render/index.ts';
import { MAX_RENDERED_EMAIL_CHARS } from '../../runtime/render/output-cap.ts';
import { compileTemplateFile, mjmlDoc, templateYaml, workspace } from '../templates/helpers.ts';

const QUICKSTART = join(import.meta.dirname, '../../examples/quickstart');
const base = mkdtempSync(join(tmpdir(), 'herald-sandbox-'));
afterAll(() => {
  stopMjmlWorker();
  rmSync(base, { recursive: true, force: true });
});
let n = 0;

/** A copy of the quickstart whose welcome email's second text line is `body`. */
function quickstartWith(body: string): string {
  const root = join(base, `ws${n++}`);
  cpSync(QUICKSTART, root, { recursive: true });
  const file = join(root, 'templates', 'welcome.mjml');
  const text = readFileSync(file, 'utf8').replace('We are glad you are here. Have a look at what is new this week.', body);
  writeFileSync(file, text);
  return root;
}

async function herald(args: string[]) {
  const { code, text } = await runHerald(args, base);
  return { code, out: text };
}

describe('template sandbox escapes and unbounded loops fail validate, located', () => {
  const cases: Array<[string, string, string]> = [
    ['a constructor read from a string literal', '{{ "".constructor.constructor("return process")() }}', 'HL358'],
    ['a constructor read from a call result', '{{ cycler().next.constructor }}', 'HL358'],
    ['__proto__ read from a list literal', '{{ [1, 2].__proto__ }}', 'HL358'],
    ['__defineGetter__ by subscript', '{{ joiner()["__defineGetter__"] }}', 'HL358'],
    ['a range of ten million values', '{% for i in range(0, 10000000) %}x{% endfor %}', 'HL425'],
    ['a range whose bound is a constant product', '{% for i in range(1000 * 1000) %}x{% endfor %}', 'HL425'],
  ];
  for (const [what, payload, code] of cases) {
    it(
      what,
      async () => {
        const run = await herald(['validate', quickstartWith(payload)]);
        expect(run.code).toBe(1);
        expect(run.out).toMatch(new RegExp(`${code}[\\s\\S]*welcome\\.mjml:6:|welcome\\.mjml:6:\\d+[\\s\\S]*${code}`));
      },
      30_000,
    );
  }

  it('a bounded range and ordinary members still validate', async () => {
    const run = await herald(['validate', quickstartWith('{% for i in range(1, 10) %}{{ i }}{% endfor %} {{ "abc".length }}')]);
    expect(run.out).not.toMatch(/HL358|HL425/);
    expect(run.code).toBe(0);
  }, 30_000);
});

describe('the diagnostics point at the offending name', () => {
  const located = (text: string, code: string) => {
    const mjml = mjmlDoc(`<mj-section><mj-column><mj-text>${text}</mj-text></mj-column></mj-section>`);
    const root = workspace({ 't.mjml': mjml, 't.yaml': templateYaml('t', { subject: 'Hi', mjml: 't.mjml' }) });
    const ds = compileTemplateFile(root, 't.yaml').diagnostics.filter((d) => d.code === code);
    return { ds, lines: mjml.split('\n') };
  };

  it('HL358 at each blocked member, whatever it is read from', () => {
    const { ds, lines } = located('{{ "".constructor.constructor("return process")() }} {{ cycler().next.__proto__ }}', 'HL358');
    expect(ds.map((d) => d.message)).toEqual(['"constructor" cannot be used in a template', '"__proto__" cannot be used in a template']);
    const line = lines.findIndex((l) => l.includes('cycler()'));
    expect(ds.map((d) => [d.file, d.range?.start.line, d.range?.start.column])).toEqual([
      ['t.mjml', line + 1, lines[line]!.lastIndexOf('constructor') + 1],
      ['t.mjml', line + 1, lines[line]!.indexOf('__proto__') + 1],
    ]);
  });

  it('HL425 at a range() over 10,000 values, and not at one of 10,000', () => {
    const { ds, lines } = located('{% for i in range(0, 10000000) %}x{% endfor %}{% for i in range(10000) %}y{% endfor %}', 'HL425');
    expect(ds.map((d) => d.message)).toEqual(['range() yields 10000000 values; a template loop may run at most 10000 times']);
    const line = lines.findIndex((l) => l.includes('range('));
    expect([ds[0]!.file, ds[0]!.range?.start.line, ds[0]!.range?.start.column]).toEqual([
      't.mjml',
      line + 1,
      lines[line]!.indexOf('range') + 1,
    ]);
  });

  it('HL425 at a range() whose enclosing range() loops multiply past 10,000 iterations', () => {
    const { ds } = located(
      '{% for i in range(100) %}{% for j in range(50) %}{% for k in range(1, 4) %}.{% endfor %}{% endfor %}{% endfor %}',
      'HL425',
    );
    expect(ds.map((d) => d.message)).toEqual([
      'range() yields 3 inside loops over 5000 values, 15000 iterations in all; a template loop may run at most 10000 times',
    ]);
  });
});

describe('render caps the size of each email', () => {
  const body =
    '<mj-section><mj-column><mj-text>{% for r in recommendations %}<p>Item {{ r.id }}: a line of product copy to pad it out.</p>{% endfor %}<a href="{{ unsubscribe_url }}">Unsubscribe</a></mj-text></mj-column></mj-section>';
  const root = workspace({ 't.yaml': templateYaml('t', { subject: 'Your picks', mjml: mjmlDoc(body) }) });
  const out = compileTemplateFile(root, 't.yaml');
  const base: Omit<RenderInput, 'customer' | 'recommendations'> = {
    unsubscribe_url: 'https://u.example/unsub/t1',
    preferences_url: 'https://u.example/prefs/t1',
    message_id: 'm1@u.example',
  };
  const items = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `p${i}`, score: 1 }));

  it('a loop over a huge list from the data fails that recipient with the size reason', () => {
    if (!out.compiled) throw new Error(JSON.stringify(out.diagnostics));
    const template = loadTemplate(out.compiled);
    // About 60 characters per item: a million items would be 60 MB of HTML (and as much text).
    const huge = renderEmail(template, { ...base, customer: { id: 'c1' }, recommendations: items(1_000_000) });
    expect(huge.ok).toBe(false);
    if (!huge.ok) expect(huge.reason).toMatch(/email is larger than 8 MB: a loop renders far more than one email can hold.*\((html|text)/);
    // The same template with an ordinary list still renders.
    const small = renderEmail(template, { ...base, customer: { id: 'c2' }, recommendations: items(20) });
    expect(small.ok).toBe(true);
    if (small.ok) expect(small.email.html.length).toBeLessThan(MAX_RENDERED_EMAIL_CHARS);
  }, 30_000);
});
