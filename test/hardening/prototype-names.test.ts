// Names that Object.prototype carries (`toString`, `__proto__`, `constructor`, `hasOwnProperty`) are
// ordinary names in rules: unknown ones get the usual located diagnostic, declared ones work.
import { appendFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stopMjmlWorker } from '../../compiler/3-analyze/templates/index.ts';
import { workspaceCopies } from '../support/workspace-copies.ts';
import { forEachDialect } from '../support/postgres.ts';
import { openDatabase } from '../../runtime/db/open.ts';

const { copy: quickstart, herald } = workspaceCopies('proto-names');
afterAll(() => stopMjmlWorker());

function addSegment(root: string, where: string): void {
  appendFileSync(
    join(root, 'segments.yaml'),
    `---\napiVersion: herald/v1\nkind: Segment\nmetadata:\n  name: probe\nspec:\n  where: '${where}'\n`,
  );
}

const NAMES = ['toString', '__proto__', 'constructor', 'hasOwnProperty'];
const CASES = NAMES.flatMap((name) => [
  { where: `count(${name} within 30d) > 0`, message: `unknown event type \`${name}\``, code: 'HL323' },
  { where: `${name} = "x"`, message: `unknown customer field or trait \`${name}\``, code: 'HL322' },
  { where: `${name}.value = "x"`, message: `unknown trait \`${name}.value\``, code: 'HL322' },
  { where: `in_segment("${name}")`, message: `unknown Segment "${name}"`, code: 'HL302' },
  { where: `score(${name}) > 1`, message: `unknown Model "${name}"`, code: 'HL302' },
]);

describe('prototype names in rules', () => {
  it.each(CASES)(
    '$where is a located $code, not an internal error',
    async ({ where, message, code }) => {
      const root = quickstart();
      addSegment(root, where);
      const run = await herald(['validate', root]);
      expect(run.text).not.toMatch(/internal error|TypeError|    at /);
      expect(run.text).toContain(`error[${code}]: ${message}`);
      expect(run.text).toMatch(/segments\.yaml:\d+:\d+/);
      expect(run.code).toBe(1);
    },
    30_000,
  );

  it('an event type named `constructor` can be declared and used', async () => {
    const root = quickstart();
    const yaml = join(root, 'herald.yaml');
    writeFileSync(
      yaml,
      readFileSync(yaml, 'utf8').replace(
        '    page_view: { item_id: string }',
        '    page_view: { item_id: string }\n    constructor: { amount: number }',
      ),
    );
    addSegment(root, 'count(constructor where amount > 1 within 30d) > 0 and sum(constructor.amount) >= 0');
    const run = await herald(['validate', root]);
    expect(run.text).not.toMatch(/internal error|TypeError/);
    expect(run.text).not.toContain('error[');
    expect(run.code).toBe(0);
  }, 30_000);
});

/**
 * A quickstart whose data model, sources, journey, template and topic are named `constructor`
 * (the one Object.prototype name the naming rules allow), whose files have columns named
 * `toString`, `__proto__`, `hasOwnProperty` and `constructor`, and whose data holds event types
 * named like Object.prototype's members.
 */
function prototypeNamedWorkspace(): string {
  const root = quickstart();
  const edit = (file: string, change: (text: string) => string) =>
    writeFileSync(join(root, file), change(readFileSync(join(root, file), 'utf8')));
  edit('herald.yaml', (t) =>
    t
      .replace('      email_consent: boolean\n', '      email_consent: boolean\n      constructor: string\n')
      .replace(
        '    page_view: { item_id: string }\n',
        '    page_view: { item_id: string }\n    constructor: { constructor: number }\n  topics:\n    constructor: { title: Constructors }\n',
      ),
  );
  edit('data/customers.csv', (t) =>
    t
      .trimEnd()
      .split('\n')
      .map((line, i) => (i === 0 ? `${line},toString,__proto__,hasOwnProperty` : `${line},ctor-${i},proto-${i},own-${i}`))
      .join('\n'),
  );
  edit(
    'sources.yaml',
    (t) => t.replace('email_consent: email_consent }', 'email_consent: email_consent, constructor: toString }') + SOURCE,
  );
  writeFileSync(join(root, 'data', 'ctor.csv'), CTOR_CSV);
  writeFileSync(join(root, 'journeys.yaml'), JOURNEY);
  writeFileSync(join(root, 'templates', 'constructor.yaml'), TEMPLATE);
  mkdirSync(join(root, 'templates', 'translations'));
  writeFileSync(join(root, 'templates', 'translations', 'en.yaml'), 'constructor: "Made for {name}"\nhasOwnProperty: Yours to keep\n');
  return root;
}
const SOURCE = `---
apiVersion: herald/v1
kind: Source
metadata: { name: constructor }
spec:
  files: data/ctor.csv
  timezone: Europe/London
  events: { type: hasOwnProperty, customer_id: __proto__, at: toString, properties: { constructor: constructor } }
`;
const CTOR_CSV = `__proto__,toString,hasOwnProperty,constructor
q01,2026-01-06 10:00,constructor,5
q02,2026-01-06 11:00,constructor,7
q03,2026-01-06 11:00,toString,1
q03,2026-01-06 11:00,__proto__,1
q03,2026-01-06 11:00,hasOwnProperty,1
q04,2026-01-06 11:00,valueOf,1
`;
const JOURNEY = `apiVersion: herald/v1
kind: Journey
metadata: { name: constructor }
spec:
  entry: { event: constructor }
  steps:
    constructor: { send: constructor, next: exit }
`;
const TEMPLATE = `apiVersion: herald/v1
kind: Template
metadata: { name: constructor }
spec:
  subject: "Hi {{ customer.constructor }}"
  topic: constructor
  translations: translations
  mjml: |
    <mjml><mj-body><mj-section><mj-column>
      <mj-text>Field {{ customer.constructor }}. {{ t('constructor', name=customer.constructor) }}. {{ t('hasOwnProperty') }}.</mj-text>
      <mj-text><a href="{{ unsubscribe_url }}">Unsubscribe</a></mj-text>
    </mj-column></mj-section></mj-body></mjml>
`;

describe('prototype names in templates', () => {
  it('a declared customer or item field named constructor is read; an undeclared one stays refused', async () => {
    const root = quickstart();
    const yaml = join(root, 'herald.yaml');
    writeFileSync(
      yaml,
      readFileSync(yaml, 'utf8')
        .replace('      email_consent: boolean\n', '      email_consent: boolean\n      constructor: string\n')
        .replace('fields: { name: string, price: number }', 'fields: { name: string, price: number, constructor: string }'),
    );
    const mjml = join(root, 'templates', 'welcome.mjml');
    const body =
      '{{ customer.constructor }}{% for item in recommendations %}{{ item.constructor }}{{ recommendations[0].constructor }}{% endfor %}';
    writeFileSync(mjml, readFileSync(mjml, 'utf8').replace('We are glad you are here.', body));
    expect((await herald(['validate', root])).text).not.toContain('error[');
    writeFileSync(mjml, readFileSync(mjml, 'utf8').replace(body, '{{ journey.entry.properties.constructor }} {{ customer.toString }}'));
    const refused = await herald(['validate', root]);
    expect(refused.text).toContain('error[HL358]: "constructor" cannot be used in a template');
    expect(refused.text).toContain('error[HL350]: unknown customer field "toString"');
  }, 30_000);
});

describe('prototype names the naming rules refuse', () => {
  // `constructor` is snake_case and works (below); the others are refused where they are written.
  it.each(['toString', '__proto__', 'hasOwnProperty'])(
    'a field, event type, topic, journey, step and source named %s are located HL209s',
    async (name) => {
      const root = quickstart();
      const yaml = join(root, 'herald.yaml');
      writeFileSync(
        yaml,
        readFileSync(yaml, 'utf8')
          .replace('      email_consent: boolean\n', `      email_consent: boolean\n      ${name}: string\n`)
          .replace(
            '    page_view: { item_id: string }\n',
            `    page_view: { item_id: string }\n    ${name}: { amount: number }\n  topics:\n    ${name}: { title: T }\n`,
          ),
      );
      writeFileSync(
        join(root, 'journeys.yaml'),
        `apiVersion: herald/v1\nkind: Journey\nmetadata: { name: ${name} }\nspec:\n  entry: { event: purchase }\n  steps:\n    ${name}: { send: welcome, next: exit }\n`,
      );
      appendFileSync(
        join(root, 'sources.yaml'),
        `---\napiVersion: herald/v1\nkind: Source\nmetadata: { name: ${name} }\nspec:\n  files: data/purchases.csv\n  events: { type: '"purchase"', customer_id: customer, at: at }\n`,
      );
      const run = await herald(['validate', root]);
      expect(run.text).not.toMatch(/internal error|TypeError|    at /);
      expect(run.code).toBe(1);
      const located = [...run.text.matchAll(/error\[HL209\]: .*\n\s+--> (\S+)/g)].map((m) => m[1]!.replace(/^(.*\/)?ws\d+\//, ''));
      expect(located).toEqual([
        'herald.yaml:25:7',
        'herald.yaml:29:5',
        'herald.yaml:31:5',
        'journeys.yaml:3:19',
        'journeys.yaml:7:5',
        'sources.yaml:25:19',
      ]);
    },
    30_000,
  );
});

forEachDialect('prototype names through ingest, journeys and delivery', (ctx) => {
  it('columns, event types, a field, a source, a journey, a step, a template and a topic so named work like any other', async () => {
    const root = prototypeNamedWorkspace();
    const db = await ctx.freshUrl();
    const validate = await herald(['validate', root]);
    expect(validate.text).toContain('0 errors');
    // The workspace's Tests load customers that leave the `constructor` field empty.
    const tests = await herald(['test', root]);
    expect(tests.text).not.toMatch(/internal error|TypeError|    at /);
    expect(tests.text).toContain('tests: 2 passed, 0 failed');

    const ingest = await herald(['ingest', root, '--db', db, '--format', 'json']);
    expect(ingest.text).not.toMatch(/internal error|TypeError|    at /);
    expect(ingest.code).toBe(0);
    const files = Object.fromEntries(JSON.parse(ingest.out).files.map((f: { path: string }) => [f.path, f]));
    // Data types named like Object.prototype's members are unknown types, not declared ones.
    expect(files['data/ctor.csv']).toMatchObject({
      status: 'loaded',
      accepted: 2,
      rejected: 4,
      rejectedByReason: { unknown_event_type: 4 },
    });
    expect(files['data/purchases.csv']).toMatchObject({ status: 'loaded', accepted: 8 });
    const opened = openDatabase(db);
    try {
      const k = opened.kysely;
      expect(
        (await k.selectFrom('customers').select(['id', 'constructor']).where('id', '=', 'q01').executeTakeFirstOrThrow()).constructor,
      ).toBe('ctor-1');
      expect(
        (
          await k
            .selectFrom('events')
            .select(['customer_id', 'constructor'])
            .where('type', '=', 'constructor')
            .orderBy('customer_id')
            .execute()
        ).map((r) => [r.customer_id, Number(r.constructor)]),
      ).toEqual([
        ['q01', 5],
        ['q02', 7],
      ]);
      const stats = (
        await k.selectFrom('herald_ingested_files').select('stats').where('path', '=', 'data/ctor.csv').executeTakeFirstOrThrow()
      ).stats;
      expect(JSON.parse(String(stats)).events).toEqual({ constructor: 2 });
      expect(
        (await k.selectFrom('ingest_rejects').select('detail').where('source', '=', 'constructor').execute()).map((r) => r.detail).sort(),
      ).toEqual(
        ['__proto__', 'hasOwnProperty', 'toString', 'valueOf'].map((t) => `events.type is "${t}", which the data model does not declare`),
      );
    } finally {
      await opened.close();
    }

    const run = await herald(['run', root, '--db', db, '--from', '2026-01-04', '--until', '2026-01-13', '--dry-run', '--format', 'json']);
    expect(run.text).not.toMatch(/internal error|TypeError|    at /);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.out);
    expect(summary.entered).toEqual({ constructor: 2 });
    expect(summary.queued['journey:constructor']).toEqual({ constructor: 2 });
    expect(summary.exited).toEqual({ constructor: { completed: 2 } });
    expect(summary.delivery.sent).toBe(7);
    const subjects = readdirSync(join(root, 'out'))
      .filter((f) => f.endsWith('.eml'))
      .map((f) => /^Subject: (.*)$/m.exec(readFileSync(join(root, 'out', f), 'utf8'))?.[1])
      .filter((s) => s?.startsWith('Hi '))
      .sort();
    expect(subjects).toEqual(['Hi ctor-1', 'Hi ctor-2']);
    const bodies = readdirSync(join(root, 'out'))
      .filter((f) => f.endsWith('.txt'))
      .map((f) => readFileSync(join(root, 'out', f), 'utf8'));
    expect(bodies.filter((b) => b.includes('Field ctor-1. Made for ctor-1. Yours to keep.'))).toHaveLength(1);
  }, 120_000);
});
