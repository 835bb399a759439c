import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileTemplateFile } from './helpers.ts';
import { stopMjmlWorker } from '../../compiler/3-analyze/templates/index.ts';

/**
 * Fixture folders: test/fixtures/templates/<case>/input/template.yaml compiles to
 * expected/template.html, expected/template.txt and expected/diagnostics.json.
 * `UPDATE_SNAPSHOTS=1 npx vitest run test/templates` rewrites the expected files.
 */
const FIXTURES = resolve('test/fixtures/templates');
const update = process.env.UPDATE_SNAPSHOTS === '1';

afterAll(() => stopMjmlWorker());

function check(path: string, actual: string): void {
  if (update || !existsSync(path)) {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, actual);
    if (!update) throw new Error(`${path} did not exist; it was written: review it and run again`);
    return;
  }
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

describe('template fixtures', () => {
  for (const name of readdirSync(FIXTURES).sort()) {
    it(name, () => {
      const dir = join(FIXTURES, name);
      const out = compileTemplateFile(join(dir, 'input'), 'template.yaml');
      const diagnostics = out.diagnostics.map((d) => ({
        code: d.code,
        severity: d.severity,
        message: d.message,
        at: `${d.file}:${d.range?.start.line}:${d.range?.start.column}`,
        ...(d.help ? { help: d.help } : {}),
      }));
      check(join(dir, 'expected', 'diagnostics.json'), `${JSON.stringify(diagnostics, null, 2)}\n`);
      if (out.compiled) {
        check(join(dir, 'expected', 'template.html'), out.compiled.html);
        check(join(dir, 'expected', 'template.txt'), out.compiled.text);
      }
    });
  }
});
