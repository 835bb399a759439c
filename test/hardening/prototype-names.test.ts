// Names that Object.prototype carries (`toString`, `__proto__`, `constructor`, `hasOwnProperty`) are
// ordinary names in rules: unknown ones get the usual located diagnostic, declared ones work.
import { readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stopMjmlWorker } from '../../compiler/3-analyze/templates/index.ts';
import { workspaceCopies } from '../support/workspace-copies.ts';

const { copy: quickstart, herald } = workspaceCopies('proto-names');
afterAll(() => stopMjmlWorker());

function addSegment(root: string, where: string): void {
  appendFileSync(join(root, 'segments.yaml'), `---\napiVersion: herald/v1\nkind: Segment\nmetadata:\n  name: probe\nspec:\n  where: '${where}'\n`);
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
  it.each(CASES)('$where is a located $code, not an internal error', async ({ where, message, code }) => {
    const root = quickstart();
    addSegment(root, where);
    const run = await herald(['validate', root]);
    expect(run.text).not.toMatch(/internal error|TypeError|    at /);
    expect(run.text).toContain(`error[${code}]: ${message}`);
    expect(run.text).toMatch(/segments\.yaml:\d+:\d+/);
    expect(run.code).toBe(1);
  }, 30_000);

  it('an event type named `constructor` can be declared and used', async () => {
    const root = quickstart();
    const yaml = join(root, 'herald.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace('    page_view: { item_id: string }', '    page_view: { item_id: string }\n    constructor: { amount: number }'));
    addSegment(root, 'count(constructor where amount > 1 within 30d) > 0 and sum(constructor.amount) >= 0');
    const run = await herald(['validate', root]);
    expect(run.text).not.toMatch(/internal error|TypeError/);
    expect(run.text).not.toContain('error[');
    expect(run.code).toBe(0);
  }, 30_000);
});
