import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { Document, isMap, isScalar, isSeq, parseAllDocuments, visit } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileSide } from '../../cli/plan/compile-side.ts';
import { diffManifests } from '../../cli/plan/diff/definitions.ts';
import { journeyStepChanges } from '../../cli/plan/diff/journey-steps.ts';
import { stopMjmlWorker } from '../../compiler/3-analyze/templates/index.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import { replaceOnce, SHOP } from './support/repo.ts';

let base: Manifest;
const dirs: string[] = [];

beforeAll(() => {
  base = compileSide(SHOP).manifest!;
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  stopMjmlWorker();
});

/** The fixture copied and edited, compiled, diffed against the fixture as is. */
function diffAfter(edit: (dir: string) => void) {
  const dir = mkdtempSync(join(tmpdir(), 'herald-plan-diff-'));
  dirs.push(dir);
  cpSync(SHOP, dir, { recursive: true });
  edit(dir);
  const head = compileSide(dir);
  if (!head.manifest) throw new Error(head.diagnostics.map((d) => d.message).join('\n'));
  return diffManifests(base, head.manifest, {
    fileChanged: (p) => readFileSync(join(SHOP, p), 'utf8') !== readFileSync(join(dir, p), 'utf8'),
  });
}

function edit(dir: string, path: string, change: (t: string) => string) {
  writeFileSync(join(dir, path), change(readFileSync(join(dir, path), 'utf8')));
}

describe('the semantic diff by content hash', () => {
  it('a definition renamed and otherwise untouched is one rename, not a removal and an addition', () => {
    const changes = diffAfter((dir) => edit(dir, 'segments/markets.yaml', (t) => replaceOnce(t, 'name: uk', 'name: united_kingdom')));
    expect(changes).toEqual([
      {
        key: 'Segment/united_kingdom',
        kind: 'Segment',
        name: 'united_kingdom',
        change: 'renamed',
        renamed_from: 'uk',
        file: 'segments/markets.yaml',
        details: ['renamed from uk'],
      },
    ]);
  });

  it('a definition moved to another file is `moved`, with both files', () => {
    const changes = diffAfter((dir) => {
      const text = readFileSync(join(dir, 'segments/markets.yaml'), 'utf8');
      const [uk, ...rest] = text.split(/^---\n/m);
      writeFileSync(join(dir, 'segments/markets.yaml'), rest.join('---\n'));
      writeFileSync(join(dir, 'segments/uk.yaml'), uk!);
    });
    expect(changes).toEqual([
      {
        key: 'Segment/uk',
        kind: 'Segment',
        name: 'uk',
        change: 'moved',
        file: 'segments/uk.yaml',
        base_file: 'segments/markets.yaml',
        details: ['moved from segments/markets.yaml'],
      },
    ]);
  });

  it('an edited .mjml file changes the template (its YAML did not) and affects the campaign and journey sending it', () => {
    const changes = diffAfter((dir) =>
      edit(dir, 'templates/thank_you.mjml', (t) => replaceOnce(t, 'Thank you for being', 'Thanks for being')),
    );
    expect(changes.map((c) => [c.key, c.change, c.details, c.via])).toEqual([
      ['Campaign/thank_big_spenders', 'affected', [], ['Template/thank_you']],
      ['Journey/cart_recovery', 'affected', [], ['Template/thank_you']],
      ['Template/thank_you', 'changed', ['templates/thank_you.mjml changed'], undefined],
    ]);
  });

  it('a changed trait reaches the segment that reads it; a removed segment reaches nothing that still exists', () => {
    const changes = diffAfter((dir) => {
      edit(dir, 'segments/markets.yaml', (t) => replaceOnce(t, 'within 30d', 'within 31d'));
      edit(dir, 'segments/audiences.yaml', (t) => t.slice(0, t.lastIndexOf('---')));
    });
    expect(changes.map((c) => [c.key, c.change, c.via])).toEqual([
      ['Segment/loyal_big_spenders', 'removed', undefined],
      ['Segment/recent_spenders', 'affected', ['Trait/spend_30d']],
      ['Trait/spend_30d', 'changed', undefined],
    ]);
  });

  it('an added and a removed definition of different kinds or specs are not a rename', () => {
    const changes = diffAfter((dir) =>
      edit(dir, 'segments/markets.yaml', (t) => replaceOnce(replaceOnce(t, 'name: uk', 'name: gb'), '"United Kingdom"', '"Great Britain"')),
    );
    expect(changes.map((c) => [c.key, c.change])).toEqual([
      ['Segment/gb', 'added'],
      ['Segment/uk', 'removed'],
    ]);
  });

  it('property: reformatting any file (indentation, flow or block style, key order, quotes, comments) is never a change', () => {
    const yamlFiles = listYaml(SHOP);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.constantFrom(2, 4),
        fc.boolean(),
        fc.boolean(),
        (seed, indent, flow, quoteAll) => {
          const changes = diffAfter((dir) => {
            for (const path of yamlFiles) {
              const original = readFileSync(join(SHOP, path), 'utf8');
              const rewritten = reformat(original, { seed, indent, flow, quoteAll });
              expect(rewritten).not.toBe(original);
              writeFileSync(join(dir, path), rewritten);
            }
          });
          expect(changes).toEqual([]);
        },
      ),
      { numRuns: 6 },
    );
  });
});

describe('journey steps', () => {
  it('finds added, changed and removed steps', () => {
    const before = {
      steps: { wait: { wait: '1h', next: 'remind' }, remind: { send: 'a', next: 'exit' }, old: { wait: '1d', next: 'exit' } },
    };
    const after = {
      steps: { wait: { next: 'remind', wait: '1h' }, remind: { send: 'b', next: 'offer' }, offer: { send: 'c', next: 'exit' } },
    };
    expect(journeyStepChanges(before, after)).toEqual({ added: ['offer'], changed: ['remind'], removed: ['old'] });
    expect(journeyStepChanges(undefined, after)).toEqual({ added: ['offer', 'remind', 'wait'], changed: [], removed: [] });
  });
});

function listYaml(root: string, dir = root): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'data' ? [] : listYaml(root, path);
    return name.endsWith('.yaml') ? [relative(root, path)] : [];
  });
}

/** The same documents written another way: keys shuffled (where order means nothing), another indentation and style, comments added. */
function reformat(text: string, o: { seed: number; indent: number; flow: boolean; quoteAll: boolean }): string {
  let state = o.seed;
  const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31);
  const docs = parseAllDocuments(text).map((parsed) => {
    const doc = new Document((parsed as Document).toJS());
    // Journey steps keep their order: the first step is where a journey starts.
    const ordered = new WeakSet<object>();
    visit(doc, {
      Pair(_key, pair) {
        if (isScalar(pair.key) && pair.key.value === 'steps' && pair.value && typeof pair.value === 'object') ordered.add(pair.value);
      },
      Map(_key, node) {
        if (!ordered.has(node)) node.items.sort(() => (next() % 2 === 0 ? -1 : 1));
        node.flow = o.flow && node.items.every((i) => !isMap(i.value) && !isSeq(i.value));
      },
      Scalar(_key, node) {
        if (o.quoteAll && typeof node.value === 'string') node.type = 'QUOTE_DOUBLE';
      },
    });
    doc.commentBefore = ` reformatted (${next() % 1000})`;
    return doc.toString({ indent: o.indent });
  });
  return docs.join('---\n');
}
