import { relative, sep } from 'node:path';

/** `1 error`, `3 warnings`, `4,372 customers`. */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${count(n)} ${n === 1 ? word : many}`;
}

/** A whole number with thousands separators, the same on every machine. */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** A path as the user would type it from where they are (forward slashes). */
export function shownPath(cwd: string, path: string): string {
  return (relative(cwd, path) || '.').split(sep).join('/');
}
