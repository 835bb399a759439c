import { isAbsolute, resolve } from 'node:path';
import { EXIT_ERRORS, HeraldError } from '../../compiler/contract/errors.ts';

/** Where a database lives, parsed from a URL (`sqlite:path`, `sqlite::memory:`, `postgres://…`). */
export type DatabaseLocation = { dialect: 'sqlite'; path: string | ':memory:' } | { dialect: 'postgres'; url: string };

/** A database URL Herald cannot use: a user mistake, reported without a stack trace. */
export class DatabaseUrlError extends HeraldError {
  constructor(message: string) {
    super(message, EXIT_ERRORS);
  }
}

/**
 * Parses a database URL. A relative SQLite path is relative to `baseDir` (the workspace), so
 * `sqlite:.herald/acme.db` means the same file whichever directory the command runs from.
 */
export function parseDatabaseUrl(url: string, baseDir: string): DatabaseLocation {
  const text = url.trim();
  if (text === 'sqlite::memory:' || text === ':memory:') return { dialect: 'sqlite', path: ':memory:' };
  if (text.startsWith('sqlite:')) {
    let path = text.slice('sqlite:'.length);
    // Accept the URL form `sqlite:///abs/path` and `sqlite://rel/path` too.
    if (path.startsWith('//')) path = path.slice(2);
    if (path === '') throw new DatabaseUrlError(`database URL "${url}" names no file; write e.g. sqlite:.herald/herald.db`);
    return { dialect: 'sqlite', path: isAbsolute(path) ? path : resolve(baseDir, path) };
  }
  if (text.startsWith('postgres://') || text.startsWith('postgresql://')) return { dialect: 'postgres', url: text };
  throw new DatabaseUrlError(`unsupported database URL "${redactUrl(url)}": use sqlite:<path>, sqlite::memory: or postgres://user@host/db`);
}

/** A URL safe to print: the password (if any) replaced by `***`. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]+:)[^@]*@/i, '$1***@');
}
