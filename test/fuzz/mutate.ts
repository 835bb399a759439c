import { cpSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A seeded mutator over example workspaces: the same (seed, index) always makes the same mutant,
 * so a failure is replayed with `HERALD_FUZZ_SEED=<seed> HERALD_FUZZ_ONLY=<index>`. Each mutant is
 * a copy of one example with one to three mutations, each recorded in words.
 */
export const EXAMPLES_DIR = join(import.meta.dirname, '..', '..', 'examples');
export const BASES = [
  'quickstart',
  'cart-abandonment',
  'ab-subject-test',
  'lifecycle-transitions',
  'onboarding',
  'templates-showcase',
  'win-back',
];

/** mulberry32: small, fast, good enough to pick mutations. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;
const pick = <T>(rng: Rng, list: readonly T[]): T => list[Math.floor(rng() * list.length)]!;
const int = (rng: Rng, n: number) => Math.floor(rng() * n);

/** The workspace's regular files (relative paths), in a stable order. */
function filesOf(dir: string, under = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(dir, under)).sort()) {
    const rel = under ? join(under, name) : name;
    const st = lstatSync(join(dir, rel));
    if (st.isDirectory()) out.push(...filesOf(dir, rel));
    else if (st.isFile()) out.push(rel);
  }
  return out;
}

const definitionFile = (f: string) => /\.(ya?ml|mjml)$/.test(f);

interface Mutation {
  name: string;
  apply(dir: string, rng: Rng): string;
}

const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype', '__defineGetter__'];
const SWAPS = [
  '[]',
  '{}',
  '0',
  '-1',
  '1e309',
  'true',
  'null',
  '~',
  '""',
  "'x'",
  '[1, [2]]',
  '{ a: 1 }',
  '!!binary aGVsbG8=',
  '*undefined_alias',
  '2011-13-45',
  '"\\u0000"',
];

function editText(dir: string, rng: Rng, filter: (f: string) => boolean, edit: (text: string, rng: Rng) => string): string {
  const files = filesOf(dir).filter(filter);
  if (files.length === 0) return 'no file to edit';
  const file = pick(rng, files);
  const path = join(dir, file);
  writeFileSync(path, edit(readFileSync(path, 'utf8'), rng));
  return file;
}

const MUTATIONS: Mutation[] = [
  {
    name: 'byte flips',
    apply(dir, rng) {
      const file = pick(rng, filesOf(dir));
      const path = join(dir, file);
      const bytes = readFileSync(path);
      for (let n = 1 + int(rng, 4); n > 0 && bytes.length > 0; n--) bytes[int(rng, bytes.length)] ^= 1 << int(rng, 8);
      writeFileSync(path, bytes);
      return file;
    },
  },
  {
    name: 'truncation',
    apply(dir, rng) {
      const file = pick(rng, filesOf(dir));
      const path = join(dir, file);
      const bytes = readFileSync(path);
      writeFileSync(path, bytes.subarray(0, int(rng, bytes.length + 1)));
      return file;
    },
  },
  {
    name: 'duplicated line',
    apply: (dir, rng) =>
      editText(dir, rng, definitionFile, (text, r) => {
        const lines = text.split('\n');
        const i = int(r, lines.length);
        lines.splice(i, 0, lines[i]!);
        return lines.join('\n');
      }),
  },
  {
    name: 'deleted lines',
    apply: (dir, rng) =>
      editText(dir, rng, definitionFile, (text, r) => {
        const lines = text.split('\n');
        lines.splice(int(r, lines.length), 1 + int(r, 3));
        return lines.join('\n');
      }),
  },
  {
    name: 'type swap',
    apply: (dir, rng) =>
      editText(
        dir,
        rng,
        (f) => /\.ya?ml$/.test(f),
        (text, r) => replaceAValue(text, r, () => pick(r, SWAPS)) ?? text,
      ),
  },
  {
    name: 'deep nesting',
    apply: (dir, rng) =>
      editText(
        dir,
        rng,
        (f) => /\.ya?ml$/.test(f),
        (text, r) => {
          const depth = pick(r, [100, 1_000, 10_000]);
          const kind = int(r, 3);
          const value =
            kind === 0
              ? `${'['.repeat(depth)}${']'.repeat(depth)}`
              : kind === 1
                ? `${'{a: '.repeat(depth)}1${'}'.repeat(depth)}`
                : `"${'('.repeat(depth)}x${')'.repeat(depth)}"`;
          return replaceAValue(text, r, () => value) ?? `${text}\nextra: ${value}\n`;
        },
      ),
  },
  {
    name: 'prototype names',
    apply: (dir, rng) =>
      editText(
        dir,
        rng,
        (f) => /\.ya?ml$/.test(f),
        (text, r) => {
          const name = pick(r, PROTOTYPE_NAMES);
          const lines = text.split('\n');
          const keyed = lines.map((l, i) => (/^\s*[a-z_][\w]*:/.test(l) ? i : -1)).filter((i) => i >= 0);
          if (keyed.length === 0) return text;
          const i = pick(r, keyed);
          // The name as a key, or as a value (a definition's name, a reference, a word in a rule).
          lines[i] =
            r() < 0.5 ? lines[i]!.replace(/^(\s*)[a-z_][\w]*:/, `$1${name}:`) : lines[i]!.replace(/^(\s*[a-z_][\w]*:\s*).*$/, `$1${name}`);
          return lines.join('\n');
        },
      ),
  },
  {
    name: 'non-UTF-8 bytes',
    apply(dir, rng) {
      const file = pick(rng, filesOf(dir));
      const path = join(dir, file);
      const bytes = readFileSync(path);
      const at = int(rng, bytes.length + 1);
      const junk = Buffer.from(pick(rng, [[0xff, 0xfe], [0xe9], [0xc3], [0xed, 0xa0, 0x80], [0x00], [0xef, 0xbb, 0xbf]]));
      writeFileSync(path, Buffer.concat([bytes.subarray(0, at), junk, bytes.subarray(at)]));
      return file;
    },
  },
  {
    name: 'directory in place of a file',
    apply(dir, rng) {
      const file = pick(rng, filesOf(dir));
      rmSync(join(dir, file));
      mkdirSync(join(dir, file));
      writeFileSync(join(dir, file, 'inner.yaml'), 'apiVersion: herald/v1\n');
      return file;
    },
  },
  {
    name: 'symlink',
    apply(dir, rng) {
      const files = filesOf(dir);
      const kind = int(rng, 5);
      if (kind === 0) {
        // A file replaced by a link to a file outside the workspace.
        const file = pick(rng, files);
        rmSync(join(dir, file));
        symlinkSync('/etc/hostname', join(dir, file));
        return `${file} -> /etc/hostname`;
      }
      if (kind === 1) {
        symlinkSync('.', join(dir, 'loop'));
        return 'loop -> .';
      }
      if (kind === 2) {
        const file = pick(rng, files);
        rmSync(join(dir, file));
        symlinkSync(join(dir, 'missing-target'), join(dir, file));
        return `${file} -> (missing)`;
      }
      if (kind === 3) {
        const file = pick(rng, files.some(definitionFile) ? files.filter(definitionFile) : files);
        rmSync(join(dir, file));
        symlinkSync('/dev/zero', join(dir, file));
        return `${file} -> /dev/zero`;
      }
      symlinkSync('/etc', join(dir, 'templates-etc'));
      return 'templates-etc -> /etc';
    },
  },
];

export interface Mutant {
  base: string;
  mutations: string[];
}

/** Copies a base example into `dir` and applies 1 to 3 mutations chosen by (seed, index). */
export function makeMutant(dir: string, seed: number, index: number): Mutant {
  const rng = random((seed * 1_000_003 + index) >>> 0);
  const base = pick(rng, BASES);
  cpSync(join(EXAMPLES_DIR, base), dir, { recursive: true });
  const mutations: string[] = [];
  for (let n = 1 + int(rng, 3); n > 0; n--) {
    const m = pick(rng, MUTATIONS);
    try {
      mutations.push(`${m.name}: ${m.apply(dir, rng)}`);
    } catch (e) {
      mutations.push(`${m.name}: not applied (${(e as Error).message.split('\n')[0]})`);
    }
  }
  return { base, mutations: mutations.map((m) => m.replace(dir, '.')) };
}

/**
 * The text with the value of one `key: value` line, drawn at random, replaced by `value()` (drawn
 * after the line); undefined when the text has no such line.
 */
function replaceAValue(text: string, r: Rng, value: () => string): string | undefined {
  const lines = text.split('\n');
  const candidates = lines.map((l, i) => (/^\s*[\w-]+:\s+\S/.test(l) ? i : -1)).filter((i) => i >= 0);
  if (candidates.length === 0) return undefined;
  const i = pick(r, candidates);
  const replacement = value();
  lines[i] = lines[i]!.replace(/^(\s*[\w-]+:\s+).*$/, (_line, key: string) => key + replacement);
  return lines.join('\n');
}
