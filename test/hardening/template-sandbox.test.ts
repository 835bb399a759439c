import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { stopMjmlWorker } from '../../compiler/3-analyze/templates/index.ts';

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
  let out = '';
  const sink = new Writable({ write: (c, _e, done) => ((out += c.toString()), done()) });
  const code = await main(args, { stdout: sink, stderr: sink, cwd: base, env: {} });
  return { code, out };
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
    it(what, async () => {
      const run = await herald(['validate', quickstartWith(payload)]);
      expect(run.code).toBe(1);
      expect(run.out).toMatch(new RegExp(`${code}[\\s\\S]*welcome\\.mjml:6:|welcome\\.mjml:6:\\d+[\\s\\S]*${code}`));
    }, 30_000);
  }

  it('a bounded range and ordinary members still validate', async () => {
    const run = await herald(['validate', quickstartWith('{% for i in range(1, 10) %}{{ i }}{% endfor %} {{ "abc".length }}')]);
    expect(run.out).not.toMatch(/HL358|HL425/);
    expect(run.code).toBe(0);
  }, 30_000);
});
