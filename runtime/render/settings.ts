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
  /** The language the email is written in (a catalogue's tag, or the template's own language). */
  language?: string;
  /** Message catalogues to read `t()` from, the chosen language's first, then its fallbacks. */
  messages?: ReadonlyArray<Readonly<Record<string, string>>>;
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
