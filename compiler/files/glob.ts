import picomatch from 'picomatch';

/**
 * The one glob engine of Herald (sources' `files`, `.heraldignore`), on picomatch's syntax: `*` and
 * `?` within a path segment, `**` across segments, brackets, braces. picomatch turns `*` into a lazy
 * regular expression, which backtracks exponentially when a segment has many `*` and the name is
 * long (`*a*a*a*a*a*a*b` on 60 `a`s runs for minutes). Segments made of literals, `*` and `?` only
 * (nearly all real patterns) are therefore matched by a linear-time wildcard matcher, and picomatch
 * only sees segments that need its richer syntax, limited to a few stars.
 */
export interface CompiledGlob {
  /** The folder before the first wildcard ('' for the root): a walk starts there. */
  base: string;
  /** True when a workspace-relative path (forward slashes) matches. */
  matches(path: string): boolean;
  /** False when no path below this folder can match: the walk does not enter it. */
  mayEnter(dir: string): boolean;
}

export class GlobError extends Error {}

/** Stars allowed in a segment that picomatch matches (brackets, braces): beyond, backtracking may explode. */
const MAX_RICH_STARS = 4;

export function hasWildcards(pattern: string): boolean {
  return picomatch.scan(pattern).isGlob;
}

type SegmentMatcher = ((name: string) => boolean) | 'globstar';

export interface GlobOptions {
  /** Whether `*` and `?` match a leading dot (default false, as in shells). */
  dot?: boolean;
}

export function compileGlob(pattern: string, options: GlobOptions = {}): CompiledGlob {
  const dot = options.dot ?? false;
  const segments = pattern.split('/').filter((s, i, all) => s !== '' || i === all.length - 1);
  const matchers: SegmentMatcher[] = segments.map((s) => (s === '**' ? 'globstar' : segmentMatcher(s, dot, pattern)));
  const base = picomatch.scan(pattern).base;
  return {
    base: segments.length > 1 && base !== '' && !hasWildcards(pattern.slice(0, base.length)) ? base : '',
    matches: (path) => matchSegments(matchers, 0, path.split('/'), 0, dot),
    mayEnter: (dir) => {
      const parts = dir.split('/');
      for (let i = 0; i < parts.length; i++) {
        const m = matchers[i];
        if (m === undefined) return false;
        if (m === 'globstar') return true;
        if (i >= matchers.length - 1) return false;
        if (!m(parts[i]!)) return false;
      }
      return true;
    },
  };
}

function matchSegments(matchers: SegmentMatcher[], mi: number, parts: string[], pi: number, dot: boolean): boolean {
  // Consecutive globstars are one: keeps the recursion linear in the number of `**`.
  while (matchers[mi] === 'globstar' && matchers[mi + 1] === 'globstar') mi++;
  if (mi === matchers.length) return pi === parts.length;
  const m = matchers[mi]!;
  if (m === 'globstar') {
    for (let k = pi; k <= parts.length; k++) {
      if (k > pi && !dot && parts[k - 1]!.startsWith('.')) return false;
      if (matchSegments(matchers, mi + 1, parts, k, dot)) return true;
    }
    return false;
  }
  if (pi === parts.length) return false;
  return m(parts[pi]!) && matchSegments(matchers, mi + 1, parts, pi + 1, dot);
}

function segmentMatcher(segment: string, dot: boolean, pattern: string): (name: string) => boolean {
  if (/^[^[\]{}()!+@\\]*$/.test(segment)) {
    // Dot-files are only matched by a segment that starts with a dot, as in shells.
    const hidesDots = !dot && !segment.startsWith('.');
    return (name) => !(hidesDots && name.startsWith('.')) && wildcardMatch(segment, name);
  }
  const stars = segment.split('*').length - 1;
  if (stars > MAX_RICH_STARS) {
    throw new GlobError(
      `glob "${pattern}" has ${stars} "*" in one segment with brackets or braces; at most ${MAX_RICH_STARS} are allowed there`,
    );
  }
  return picomatch(segment, { dot });
}

/**
 * `*` (any run of characters) and `?` (one character) against a name, greedy with one backtrack
 * point: O(pattern × name) in the worst case, never exponential.
 */
export function wildcardMatch(pattern: string, name: string): boolean {
  let p = 0;
  let n = 0;
  let star = -1;
  let mark = 0;
  while (n < name.length) {
    const c = pattern[p];
    if (c === '?' || (c !== undefined && c !== '*' && c === name[n])) {
      p++;
      n++;
    } else if (c === '*') {
      star = p++;
      mark = n;
    } else if (star >= 0) {
      p = star + 1;
      n = ++mark;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}
