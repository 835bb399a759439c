import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { editDistance, suggest } from '../../compiler/diagnostics/suggest.ts';

/** The textbook optimal-string-alignment table, every cell: the oracle for the banded version. */
function fullDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i]!;
      row[j] = Math.min(d[i - 1]![j]! + 1, row[j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

describe('edit distance and suggestions', () => {
  const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd'), maxLength: 14 });

  it('is the full distance, and within a bound exact up to it and bound + 1 past it', () => {
    fc.assert(
      fc.property(word, word, fc.integer({ min: 0, max: 12 }), (a, b, max) => {
        const full = fullDistance(a, b);
        expect(editDistance(a, b)).toBe(full);
        expect(editDistance(a, b, max)).toBe(full <= max ? full : max + 1);
      }),
      { numRuns: 2000 },
    );
  });

  it('suggests close names and nothing for far ones', () => {
    expect(suggest('Europe/Londn', ['Europe/London', 'Europe/Lisbon', 'UTC'])).toBe('Europe/London');
    expect(suggest('Erupoe/London', ['Europe/London', 'UTC'])).toBe('Europe/London');
    expect(suggest('segmnet', ['segment', 'segments'])).toBe('segment');
    expect(suggest('xyz', ['segment'])).toBeUndefined();
  });

  // Found by the fuzzer (seed 8, #6045): a 20,000-character value where a time zone belongs took
  // 1.9 s of CPU to find no suggestion among 600 zone names, and a longer one ran past the bound.
  // With the band, a long input costs a scan of its length per candidate: this one would take
  // minutes with the full table, so the test's own timeout catches a regression.
  it('answers for a value of megabytes where a name belongs', () => {
    const zones = [...Intl.supportedValuesOf('timeZone'), 'UTC'];
    const huge = `Europe/London${'('.repeat(1_000_000)}`;
    expect(suggest(huge, zones)).toBeUndefined();
    expect(suggest(huge, [huge.slice(0, -1), 'UTC'])).toBe(huge.slice(0, -1));
  }, 20_000);
});
