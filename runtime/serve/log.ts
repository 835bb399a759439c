import type { ServeLogger } from './extension.ts';

/**
 * Structured logs: one JSON object per line (`time`, `level`, `msg`, then the fields). Callers put
 * no personal data in fields; as a second line of defence, e-mail addresses in any string are
 * replaced before a line is written (the same rule as delivery's outcome texts).
 */
import { redactAddresses } from '../../compiler/contract/personal-data.ts';

export function jsonLogger(write: (line: string) => void, now: () => Date = () => new Date()): ServeLogger {
  const emit = (level: string, message: string, fields?: Record<string, unknown>) => {
    const record: Record<string, unknown> = { time: now().toISOString(), level, msg: message };
    for (const [k, v] of Object.entries(fields ?? {})) if (v !== undefined) record[k] = v;
    write(`${redactAddresses(JSON.stringify(record, replacer))}\n`);
  };
  return {
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  };
}

function replacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message };
  return value;
}
