import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopMjmlWorker } from '../../compiler/3-analyze/templates/index.ts';
import { yamlString } from '../../cli/init/definitions/workspace-info.ts';
import { runCli } from '../pipeline/run-cli.ts';
import { REPO, schemaOf, scratch } from './support.ts';

const tmp = scratch('herald-new-');
const ws = join(tmp.dir, 'shop');
const SCHEMA = join(REPO, 'schemas', 'herald.schema.json');

beforeAll(async () => {
  const r = await runCli(
    ['init', ws, '--name', 'shop', '--database', 'sqlite', '--timezone', 'Europe/London', '--starter', 'ecommerce'],
    tmp.dir,
  );
  expect(r.code, r.stderr).toBe(0);
});

afterAll(() => {
  stopMjmlWorker();
  tmp.dispose();
});

async function validates(): Promise<void> {
  const v = await runCli(['validate', ws], tmp.dir);
  expect(v.code, v.stdout).toBe(0);
}

describe('herald new with flags (no terminal)', () => {
  it('adds one definition of every kind, each validating, the schema header on each', async () => {
    const cases: Array<[string[], string[]]> = [
      [['Segment', 'big_basket', '--where', 'exists(added_to_cart where price > 10 within 30d)'], ['segments/big_basket.yaml']],
      [['trait', 'views_30d', '--expression', 'count(page_view within 30d)'], ['traits/views_30d.yaml']],
      [
        ['Template', 'spring_sale', '--subject', 'Spring sale: 20% off'],
        ['templates/spring_sale.yaml', 'templates/spring_sale.mjml'],
      ],
      [['Journey', 'browse_follow_up', '--event', 'page_view', '--template', 'spring_sale'], ['journeys/browse_follow_up.yaml']],
      [
        ['Campaign', 'spring', '--audience', 'big_basket', '--template', 'spring_sale', '--send-at', '2026-03-01T09:00 local'],
        ['campaigns/spring.yaml'],
      ],
      [['Test', 'browse_follow_up_test', '--journey', 'browse_follow_up'], ['tests/browse_follow_up_test.yaml']],
      [
        ['Source', 'crm_export'],
        ['sources/crm_export.yaml', 'data/crm_export.csv'],
      ],
      [['Model', 'buys_again', '--description', 'Will they order in the next 90 days?'], ['models/buys_again.yaml']],
    ];
    for (const [args, files] of cases) {
      const r = await runCli(['new', ...args.slice(0, 2), ws, ...args.slice(2)], tmp.dir);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toContain(`added ${args[0]![0]!.toUpperCase()}${args[0]!.slice(1)} ${args[1]}`);
      for (const f of files) {
        expect(existsSync(join(ws, f)), f).toBe(true);
        if (f.endsWith('.yaml')) expect(schemaOf(join(ws, f)), f).toBe(SCHEMA);
      }
    }
    // Each `new` checked the workspace before keeping its files; all of them together still validate.
    await validates();
    expect(readFileSync(join(ws, 'models/buys_again.yaml'), 'utf8')).toContain('description: Will they order in the next 90 days?');
    expect(readFileSync(join(ws, 'templates/spring_sale.yaml'), 'utf8')).toContain('layout: layouts/base.mjml');
    expect(readFileSync(join(ws, 'campaigns/spring.yaml'), 'utf8')).toContain('send_at: 2026-03-01T09:00 local');
  });

  it('records a journey test that passes and says what the journey does', async () => {
    const test = parse(readFileSync(join(ws, 'tests/browse_follow_up_test.yaml'), 'utf8')) as { spec: { expect: unknown[] } };
    expect(test.spec.expect).toContainEqual({ sent: { customer: 't1', template: 'spring_sale', sent_at: '2026-01-05T11:00Z' } });
    expect(test.spec.expect).toContainEqual({ suppressed: { customer: 't2', template: 'spring_sale', reason: 'no_consent' } });
    const r = await runCli(['test', ws, '--filter', 'browse_follow_up_test'], tmp.dir);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toContain('PASS  browse_follow_up_test');
  });

  it("refuses a name in use, a bad name, an unknown kind and another kind's flags", async () => {
    const taken = await runCli(['new', 'Segment', 'reachable', ws], tmp.dir);
    expect(taken.code).toBe(2);
    expect(taken.stderr).toContain('Segment reachable already exists (in segments/lifecycle.yaml)');
    const bad = await runCli(['new', 'Segment', 'VIP-customers', ws], tmp.dir);
    expect(bad.stderr).toContain('<name>: "VIP-customers" is not snake_case');
    const kind = await runCli(['new', 'Segmnt', 'x', ws], tmp.dir);
    expect(kind.stderr).toContain('unknown kind "Segmnt"; did you mean Segment?');
    const foreign = await runCli(['new', 'Template', 'x', ws, '--where', 'true'], tmp.dir);
    expect(foreign.stderr).toContain('--where is not for a Template (its flags: --subject)');
    const target = await runCli(['new', 'Journey', 'x', ws, '--template', 'nope'], tmp.dir);
    expect(target.stderr).toContain('--template must be one of');
  });

  it('never waits without a terminal, naming what is missing', async () => {
    const none = await runCli(['new', '--description', 'x'], ws);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('missing <kind>');
    const noName = await runCli(['new', 'Segment'], ws);
    expect(noName.stderr).toContain('missing <name>');
  });

  it('takes nothing back it did not write, and leaves no broken file behind', async () => {
    const r = await runCli(['new', 'Segment', 'broken_rule', ws, '--where', 'spend_356d > 10'], tmp.dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('unknown');
    expect(r.stderr).toContain('nothing was added');
    expect(existsSync(join(ws, 'segments/broken_rule.yaml'))).toBe(false);
    expect(existsSync(join(ws, 'segments/lifecycle.yaml'))).toBe(true);
    await validates();
  });

  it('needs what a kind sends or targets, and says which command makes it', async () => {
    const empty = join(tmp.dir, 'empty');
    expect((await runCli(['init', empty, '--yes', '--timezone', 'UTC', '--starter', 'empty'], tmp.dir)).code).toBe(0);
    const journey = await runCli(['new', 'Journey', 'j', empty], tmp.dir);
    expect(journey.code).toBe(2);
    expect(journey.stderr).toContain('herald new Template NAME');
    expect((await runCli(['new', 'Segment', 's', empty], tmp.dir)).code).toBe(0);
    expect(readFileSync(join(empty, 'segments/s.yaml'), 'utf8')).toContain('where: email_consent and exists(purchase within 90d)');
    const template = await runCli(['new', 'Template', 't', empty], tmp.dir);
    expect(template.code, template.stderr).toBe(0);
    // Without a layout the MJML is a whole document, unsubscribe link included.
    expect(readFileSync(join(empty, 'templates/t.mjml'), 'utf8')).toContain('{{ unsubscribe_url }}');
    expect((await runCli(['validate', empty], tmp.dir)).code).toBe(0);
  });
});

describe('YAML scalars in generated files', () => {
  it('read back as the very string written', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(parse(`k: ${yamlString(s)}\n`).k).toBe(s);
      }),
      { numRuns: 200 },
    );
    for (const s of ['country = "UK" and x > 5', '> 5', 'a: b', 'x #y', 'true', '12', '- a', ''])
      expect(parse(`k: ${yamlString(s)}\n`).k).toBe(s);
  });
});
