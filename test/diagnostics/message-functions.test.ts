import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogue, messages } from '../../compiler/diagnostics/catalogue/index.ts';

const root = join(import.meta.dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Codes written as literals in a folder's sources: the codes that folder raises. */
function codesRaisedIn(dir: string): Set<string> {
  const codes = new Set<string>();
  for (const file of sourceFiles(dir)) {
    for (const m of readFileSync(join(root, file), 'utf8').matchAll(/'(HL\d{3})'/g)) codes.add(m[1]!);
  }
  return codes;
}

/** Codes of compiler/3-analyze whose text is still written at the call site (none: keep it so). */
const ANALYZE_FREE_TEXT = new Set<string>();

describe('message functions of the catalogue', () => {
  it('exist only for catalogued codes', () => {
    for (const code of Object.keys(messages)) expect(catalogue.has(code), code).toBe(true);
  });

  it('word every code the analyzer raises', () => {
    const missing = [...codesRaisedIn('compiler/3-analyze')].filter((c) => !(c in messages) && !ANALYZE_FREE_TEXT.has(c)).sort();
    expect(missing).toEqual([]);
  });

  it.each(['compiler/1-load', 'compiler/2-validate', 'compiler/dsl', 'compiler/4-emit', 'compiler/sql', 'cli', 'runtime'])(
    'word every code raised in %s',
    (dir) => {
      expect([...codesRaisedIn(dir)].filter((c) => !(c in messages)).sort()).toEqual([]);
    },
  );

  it('leave no free-text diag() call in the analyzer', () => {
    const freeText = sourceFiles('compiler/3-analyze').flatMap((file) =>
      [...readFileSync(join(root, file), 'utf8').matchAll(/\bdiag\('HL\d{3}', /g)].map(() => file),
    );
    expect(freeText).toEqual([]);
  });

  it('build a message from typed parameters', () => {
    expect(messages.HL360({ start: 'welcome' })).toBe('unknown step "welcome"');
    expect(messages.HL431({ form: 'given-twice', id: 'c1' })).toBe('customer "c1" is given twice');
    expect(messages.HL432({ form: 'template-never-sent', template: 'promo', target: 'campaign' })).toBe(
      'template "promo" is never sent by the campaign under test',
    );
  });
});
