import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './command.ts';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** Options every command understands. */
export const COMMON_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  db: { type: 'string' },
  'as-of': { type: 'string' },
  format: { type: 'string' },
} as const satisfies OptionSpec;

export interface ParsedArgs<T> {
  values: T;
  positionals: string[];
}

/** node:util parseArgs with errors turned into UsageError (exit 2, no stack trace). */
export function parseCommandArgs<O extends OptionSpec>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options: { ...COMMON_OPTIONS, ...options }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

export function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`--${flag} must be one of ${allowed.join(', ')} (got "${value}")`);
}
