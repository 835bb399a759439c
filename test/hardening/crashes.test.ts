import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { load } from '../../compiler/1-load/index.ts';
import { runPipeline } from '../../compiler/index.ts';
import { codeFrame } from '../../compiler/diagnostics/format/code-frame.ts';
import { stopMjmlWorker } from '../../compiler/3-analyze/templates/index.ts';
import { workspaceCopies } from '../support/workspace-copies.ts';

const { copy: quickstart, herald } = workspaceCopies('crashes');
afterAll(() => stopMjmlWorker());

describe('internal errors become located diagnostics or usage errors', () => {
  it('60,000 tiny YAML documents load with a diagnostic each, no RangeError', () => {
    const root = quickstart();
    writeFileSync(join(root, 'many.yaml'), Array.from({ length: 60_000 }, () => '---\na: 1\n').join(''));
    expect(load(root).documents.length).toBeGreaterThan(60_000);
    const result = runPipeline(root, { emit: false });
    expect(result.diagnostics.filter((d) => d.code === 'HL201' && d.file === 'many.yaml')).toHaveLength(60_000);
  }, 60_000);

  it('code frames of many diagnostics in one file split it once', () => {
    const text = 'a: 1\n'.repeat(100_000);
    for (let line = 1; line <= 100_000; line += 1)
      codeFrame(text, { start: { line, column: 1, offset: 0 }, end: { line, column: 2, offset: 1 } } as never);
  }, 20_000);

  it('a layout that is a folder is HL351 at the template, not EISDIR', async () => {
    const root = quickstart();
    mkdirSync(join(root, 'templates', 'layouts', 'base.mjml'), { recursive: true });
    const yaml = join(root, 'templates', 'welcome.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace('  mjml: welcome.mjml', '  layout: layouts/base.mjml\n  mjml: welcome.mjml'));
    const run = await herald(['validate', root]);
    expect(run.code).toBe(1);
    expect(run.out + run.err).toContain('error[HL351]: templates/layouts/base.mjml is a folder, not a file');
    expect(run.out + run.err).not.toContain('EISDIR');
  }, 60_000);

  it('--db sqlite:/dev/null and herald engagement /etc are usage errors', async () => {
    const root = quickstart();
    const dev = await herald(['segments', root, '--db', 'sqlite:/dev/null']);
    expect(dev.code).toBe(2);
    expect(dev.err).toBe(
      'herald segments: --db: /dev/null is not a regular file (a device, pipe or socket); a SQLite database is a file\n',
    );
    const etc = await herald(['engagement', '/etc', root]);
    expect(etc.code).toBe(2);
    expect(etc.err).toContain('/etc is a folder; name an engagement log (JSON lines)');
  }, 60_000);
});
