import type { CompiledRule } from '../eval/rule.ts';

/**
 * Settings of the render in progress (locale, time zone, currency, rule conditions). Rendering is
 * synchronous, so filters read them from here instead of threading them through every call.
 */
export interface FormatSettings {
  locale: string;
  timeZone: string;
  currency: string;
  /** The template's compiled `rule()` conditions and the instant they are evaluated as of. */
  rules?: { compiled: ReadonlyMap<string, CompiledRule>; asOf: number };
}

let current: FormatSettings = { locale: 'en-GB', timeZone: 'UTC', currency: 'GBP' };

export function currentSettings(): FormatSettings {
  return current;
}

/** Runs `fn` with the given settings in force. */
export function withSettings<T>(settings: FormatSettings, fn: () => T): T {
  const previous = current;
  current = settings;
  try {
    return fn();
  } finally {
    current = previous;
  }
}
