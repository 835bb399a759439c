import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../../compiler/index.ts';

/**
 * An error in one part of the workspace hides only what depends on that part. herald.yaml with a
 * bad `metadata.name` (or a bad delivery block) still has a usable data model, so rule type
 * errors, unknown fields and unknown references in other files are reported in the same run.
 */
const EXAMPLE = join(import.meta.dirname, '..', '..', 'examples', 'quickstart');
const root = mkdtempSync(join(tmpdir(), 'herald-cascade-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
function workspace(edits: Record<string, (text: string) => string>): string {
  const dir = join(root, `ws${n++}`);
  cpSync(EXAMPLE, dir, { recursive: true });
  for (const [file, edit] of Object.entries(edits)) {
    const path = join(dir, file);
    const before = readFileSync(path, 'utf8');
    const after = edit(before);
    expect(after, `the edit of ${file} changed nothing`).not.toBe(before);
    writeFileSync(path, after);
  }
  return dir;
}

/** Mistakes in files other than herald.yaml, each reported by a different check. */
const OTHER_MISTAKES = {
  'segments.yaml': (t: string) =>
    t
      .replace('where: email_consent', 'where: email_consent and country > 5') // a rule type error
      .replace('where: days_since(signup_at) <= 14', 'where: days_since(signup_at) <= 14 and contry = "UK"') // an unknown field
      .replace('  include: [reachable]\n  where: sum', '  include: [reachabel]\n  where: sum'), // an unknown reference
  'campaigns.yaml': (t: string) => t.replace('template: thank_you', 'template: thank_yuo'),
};

function codes(dir: string): string[] {
  return runPipeline(dir, { emit: false })
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => `${d.code} ${d.file}`);
}

describe('diagnostics do not cascade from herald.yaml', () => {
  const others = codes(workspace(OTHER_MISTAKES)).sort();

  it('the mistakes elsewhere are found on a valid herald.yaml', () => {
    for (const expected of ['HL302 campaigns.yaml', 'HL302 segments.yaml', 'HL320 segments.yaml', 'HL322 segments.yaml'])
      expect(others).toContain(expected);
  });

  it('an invalid metadata.name in herald.yaml hides none of them', () => {
    const dir = workspace({ ...OTHER_MISTAKES, 'herald.yaml': (t) => t.replace('  name: quickstart', '  name: "Bad Name!"') });
    expect(codes(dir).sort()).toEqual(['HL209 herald.yaml', ...others].sort());
  });

  it('nor does an error in herald.yaml outside its data model (an unknown key in spec)', () => {
    const dir = workspace({
      ...OTHER_MISTAKES,
      'herald.yaml': (t) => t.replace('  timezone: Europe/London', '  timezone: Europe/London\n  colour: blue'),
    });
    expect(codes(dir).sort()).toEqual(['HL205 herald.yaml', ...others].sort());
  });

  it('an error inside the data model still stops the rule checks that depend on it, and nothing more is invented', () => {
    const dir = workspace({
      ...OTHER_MISTAKES,
      'herald.yaml': (t) => t.replace('email: { type: email, pii: true }', 'email: { type: emial, pii: true }'),
    });
    const found = codes(dir);
    expect(
      found.filter((c) => c.startsWith('HL320') || (c.includes('HL3') && c.endsWith('segments.yaml') && !c.startsWith('HL302'))),
    ).toEqual([]);
    expect(found.some((c) => c.endsWith('herald.yaml'))).toBe(true);
    // References do not depend on the data model: they are still resolved.
    expect(found).toContain('HL302 campaigns.yaml');
  });
});
