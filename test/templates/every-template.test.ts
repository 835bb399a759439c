import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../../compiler/index.ts';
import { mjmlRunCount, stopMjmlWorker } from '../../compiler/3-analyze/templates/index.ts';
import { loadTemplate, writeRecipientEmail } from '../../runtime/render/index.ts';
import { runCli } from '../pipeline/run-cli.ts';
import { compileTemplates, recipientsOf, templateWorkspaces } from './workspaces.ts';

/**
 * Every template of the flagship workspace and of the examples: it compiles, MJML runs exactly
 * once for it per build, and what a reviewer previews (`herald render`) is byte for byte what a
 * dry run writes (runtime/render's dry-run path) for the same customer.
 */
afterAll(() => stopMjmlWorker());

const workspaces = templateWorkspaces();
const tmp = mkdtempSync(join(tmpdir(), 'herald-every-template-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('every template', () => {
  it('is found in the flagship workspace and the examples', () => {
    expect(workspaces.map((w) => relative(process.cwd(), w))).toEqual(
      expect.arrayContaining(['campaigns', 'examples/templates-showcase', 'examples/quickstart']),
    );
    expect(compileTemplates(join(process.cwd(), 'campaigns')).templates.map((t) => t.compiled.name)).toEqual([
      'cart_offer_10',
      'cart_offer_ship',
      'cart_reminder',
      'december_news',
      'recommendations',
      'welcome',
      'winback',
      'winback_last_chance',
    ]);
  });

  for (const dir of workspaces) {
    const name = relative(process.cwd(), dir);

    it(`${name}: compiles without errors, with MJML run exactly once per template`, () => {
      const before = mjmlRunCount();
      const result = runPipeline(dir, { emit: true });
      const runs = mjmlRunCount() - before;
      expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const templates = Object.values(result.emitted!.manifest.definitions).filter((d) => d.kind === 'Template');
      expect(templates.length).toBeGreaterThan(0);
      expect(runs).toBe(templates.length);
    });

    it(`${name}: renders the same in preview and in a dry run`, async () => {
      const ws = compileTemplates(dir);
      for (const t of ws.templates) {
        // The first recipient of each template (one CLI run compiles the workspace once more).
        const { id, input } = recipientsOf(t)[0]!;
        const previewDir = join(tmp, 'preview', relative(process.cwd(), dir));
        const args = ['render', t.compiled.name, '--customer', id, dir, '--out', previewDir];
        if (!t.sample) {
          const file = join(tmp, `${t.compiled.name}.sample.yaml`);
          writeFileSync(file, stringify({ customers: [input.customer] }));
          args.push('--sample', file);
        }
        const preview = await runCli(args, process.cwd());
        expect(preview.code, `${t.compiled.name}/${id}: ${preview.stderr}`).toBe(0);
        const dry = await writeRecipientEmail(loadTemplate(t.compiled), input, {
          dir: join(tmp, 'dry'),
          name: `${t.compiled.name}.${id}`,
          from: 'Herald <test@herald.invalid>',
          date: new Date(Date.UTC(2011, 11, 10)),
          timeZone: ws.timeZone,
        });
        if (!dry.ok) throw new Error(`${t.compiled.name}/${id}: ${dry.reason}`);
        const stem = join(previewDir, `${t.compiled.name}.${id}`);
        expect(readFileSync(`${stem}.html`, 'utf8'), `${t.compiled.name}/${id} html`).toBe(readFileSync(dry.files.html, 'utf8'));
        expect(readFileSync(`${stem}.txt`, 'utf8'), `${t.compiled.name}/${id} text`).toBe(readFileSync(dry.files.text, 'utf8'));
        // Headers as a mail client reads them (folded lines joined): the same subject and unsubscribe.
        const headers = (file: string) =>
          readFileSync(file, 'utf8')
            .split('\r\n\r\n')[0]!
            .replace(/\r\n[ \t]+/g, ' ');
        for (const h of ['Subject', 'List-Unsubscribe', 'List-Unsubscribe-Post', 'Message-ID']) {
          const pick = (file: string) =>
            headers(file)
              .split('\r\n')
              .find((l) => l.startsWith(`${h}: `));
          expect(pick(`${stem}.eml`), `${t.compiled.name}/${id} ${h}`).toBe(pick(dry.files.eml));
        }
        expect(headers(dry.files.eml)).toContain(`List-Unsubscribe: <${input.unsubscribe_url}>`);
      }
    });
  }
});
