import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { runPipeline, type PipelineResult } from '../../compiler/index.ts';
import { IncrementalCompiler } from '../../compiler/incremental/index.ts';
import { mjmlRunCount, stopMjmlWorker } from '../../compiler/3-analyze/templates/index.ts';
import { copyShop, SHOP_FIXTURE } from './support/workspace.ts';

afterAll(() => stopMjmlWorker());

/** Everything a build hands on, serialized: diagnostics in order, and every build file (manifest.json first). */
function snapshot(result: PipelineResult): string {
  const files = result.emitted ? [...result.emitted.files] : null;
  return JSON.stringify({
    diagnostics: result.diagnostics,
    files,
    documents: result.loaded.documents.length,
    rules: result.loaded.rules.length,
  });
}

interface Edit {
  name: string;
  apply(dir: string): void;
}

const edit = (name: string, apply: (dir: string) => void): Edit => ({ name, apply, toString: () => name }) as Edit;

function replaceIn(file: string, from: string | RegExp, to: string): (dir: string) => void {
  return (dir) => {
    const path = join(dir, file);
    if (!existsSync(path)) return;
    writeFileSync(path, readFileSync(path, 'utf8').replace(from, to));
  };
}

const restore = (file: string) => edit(`restore ${file}`, (dir) => writeFileSync(join(dir, file), readFileSync(join(SHOP_FIXTURE, file))));
const remove = (file: string) => edit(`delete ${file}`, (dir) => rmSync(join(dir, file), { force: true }));

/** Edits as a person makes them, good and bad, including the states an editor leaves mid-save. */
const EDITS: Edit[] = [
  edit('raise a threshold', replaceIn('segments.yaml', 'spend_90d > 100', 'spend_90d > 250')),
  edit('misspell a trait', replaceIn('segments.yaml', 'spend_90d >', 'spend_9d >')),
  edit('break the YAML', (dir) =>
    writeFileSync(join(dir, 'segments.yaml'), `${readFileSync(join(dir, 'segments.yaml'), 'utf8')}\n  bad: [unclosed\n`),
  ),
  edit('truncate segments (mid-save)', (dir) => writeFileSync(join(dir, 'segments.yaml'), '')),
  edit(
    'drop a segment a campaign uses',
    replaceIn('segments.yaml', /---\napiVersion: herald\/v1\nkind: Segment\nmetadata:\n  name: lapsed[\s\S]*$/, ''),
  ),
  edit('duplicate a segment', (dir) =>
    writeFileSync(
      join(dir, 'segments.yaml'),
      `${readFileSync(join(dir, 'segments.yaml'), 'utf8')}---\napiVersion: herald/v1\nkind: Segment\nmetadata: { name: reachable }\nspec: { where: email_consent }\n`,
    ),
  ),
  edit('shorten a trait window', replaceIn('traits.yaml', 'within 90d', 'within 30d')),
  edit('make a trait a string', replaceIn('traits.yaml', 'type: number', 'type: string')),
  edit('reword the welcome email', replaceIn('templates/welcome.mjml', 'welcome aboard', 'glad you are here')),
  edit('unknown MJML tag', replaceIn('templates/welcome.mjml', '<mj-column>', '<mj-column><mj-sparkle>!</mj-sparkle>')),
  edit('unknown template variable', replaceIn('templates/welcome.mjml', 'customer.first_name', 'customer.nickname')),
  edit('reword the footer', replaceIn('templates/partials/footer.mjml', 'Unsubscribe', 'Leave this list')),
  remove('templates/partials/footer.mjml'),
  edit('point at a missing layout', replaceIn('templates/welcome.yaml', 'layouts/base.mjml', 'layouts/gone.mjml')),
  edit('rename offer.yaml', (dir) => {
    if (existsSync(join(dir, 'templates/offer.yaml')))
      renameSync(join(dir, 'templates/offer.yaml'), join(dir, 'templates/offer_email.yaml'));
  }),
  edit(
    'add a field to the data model',
    replaceIn('herald.yaml', '      country: string\n', '      country: string\n      loyalty: number\n'),
  ),
  edit('remove a field rules use', replaceIn('herald.yaml', '      email_consent: boolean\n', '')),
  edit('swap the campaigns', (dir) => {
    const path = join(dir, 'campaigns.yaml');
    if (!existsSync(path)) return;
    const [head, ...docs] = readFileSync(path, 'utf8').split(/^---\n/m);
    writeFileSync(path, [head, ...docs.reverse()].join('---\n'));
  }),
  edit('add a segments file', (dir) =>
    writeFileSync(
      join(dir, 'more.yaml'),
      'apiVersion: herald/v1\nkind: Segment\nmetadata: { name: loyal_big }\nspec:\n  where: in_segment(big_spenders) and count(purchase within 365d) >= 3\n',
    ),
  ),
  remove('more.yaml'),
  restore('segments.yaml'),
  restore('traits.yaml'),
  restore('herald.yaml'),
  restore('templates/welcome.mjml'),
  restore('templates/welcome.yaml'),
  restore('templates/partials/footer.mjml'),
  restore('campaigns.yaml'),
];

describe('incremental compiler', () => {
  it('equals a full build after every edit of a random sequence', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...EDITS), { minLength: 1, maxLength: 6 }), (edits) => {
        const shop = copyShop();
        try {
          const compiler = new IncrementalCompiler(shop.dir);
          expect(snapshot(compiler.build())).toBe(snapshot(runPipeline(shop.dir, { emit: true })));
          for (const e of edits) {
            e.apply(shop.dir);
            const incremental = compiler.build();
            const full = runPipeline(shop.dir, { emit: true });
            expect(snapshot(incremental), `after ${edits.slice(0, edits.indexOf(e) + 1).join(', ')}`).toBe(snapshot(full));
          }
        } finally {
          shop.dispose();
        }
      }),
      { numRuns: 12 },
    );
  });

  it('recompiles only what an edited MJML file affects, and runs MJML once', () => {
    const shop = copyShop();
    try {
      const compiler = new IncrementalCompiler(shop.dir);
      const first = compiler.build();
      expect(first.stats.analyzed.reused).toBe(0);
      replaceIn('templates/welcome.mjml', 'welcome aboard', 'good to see you')(shop.dir);
      const before = mjmlRunCount();
      const second = compiler.build();
      expect(mjmlRunCount() - before).toBe(1);
      expect(second.stats.files).toEqual({ parsed: 0, reused: first.stats.files.parsed });
      // The template, and the campaign that sends it (it reads the template's definition).
      expect(second.stats.recompiled).toEqual(['Campaign/thank_big_spenders', 'Template/welcome']);
      const html = second.emitted!.files.get('templates/welcome.html')!;
      expect(html).toContain('good to see you');
      const changed = Object.values(second.emitted!.manifest.definitions).filter(
        (d) => d.compiledHash !== first.emitted!.manifest.definitions[`${d.kind}/${d.name}`]?.compiledHash,
      );
      expect(changed.map((d) => `${d.kind}/${d.name}`)).toEqual(['Template/welcome']);
    } finally {
      shop.dispose();
    }
  });

  it('reuses everything when nothing changed', () => {
    const shop = copyShop();
    try {
      const compiler = new IncrementalCompiler(shop.dir);
      const first = compiler.build();
      const again = compiler.build();
      expect(again.stats.recompiled).toEqual([]);
      expect(again.stats.analyzed.ran).toBe(0);
      expect(again.stats.emitted.ran).toBe(0);
      expect(again.stats.emitted.reused).toBe(first.stats.emitted.ran);
      expect(snapshot(again)).toBe(snapshot(first));
    } finally {
      shop.dispose();
    }
  });

  it('recompiles the segments that read a trait when the trait changes, and reuses the templates', () => {
    const shop = copyShop();
    try {
      const compiler = new IncrementalCompiler(shop.dir);
      const first = compiler.build();
      replaceIn('traits.yaml', 'within 90d', 'within 60d')(shop.dir);
      const before = mjmlRunCount();
      const rebuilt = compiler.build();
      expect(rebuilt.stats.recompiled).toContain('Trait/spend_90d');
      expect(rebuilt.stats.recompiled).toContain('Segment/big_spenders');
      // Templates type-check against trait outputs, so they are checked again; the outputs did not
      // change, so their compiled blocks are the very same objects and MJML does not run.
      expect(mjmlRunCount() - before).toBe(0);
      for (const name of ['welcome', 'offer']) {
        expect(rebuilt.emitted!.manifest.definitions[`Template/${name}`]!.compiled).toBe(
          first.emitted!.manifest.definitions[`Template/${name}`]!.compiled,
        );
      }
      expect(rebuilt.emitted!.manifest.definitions['Trait/spend_90d']!.compiledHash).not.toBe(
        first.emitted!.manifest.definitions['Trait/spend_90d']!.compiledHash,
      );
    } finally {
      shop.dispose();
    }
  });
});
