/**
 * Durations and times of day as every part of Herald writes them (`48h`, `1.5h`, `09:30`): one
 * grammar for journeys, campaigns, models, delivery settings and command-line flags, so a value
 * that one place accepts means the same everywhere.
 */
import { DURATION_MS } from './rule-paths.ts';

const DURATION = /^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$/;

/** `90s`, `5m`, `1.5h`, `7d`, `2w` in whole milliseconds; undefined for anything else. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION.exec(text);
  return m ? Math.round(Number(m[1]) * DURATION_MS[m[2] as keyof typeof DURATION_MS]) : undefined;
}

const TIME_OF_DAY = /^\s*([01]\d|2[0-3]):([0-5]\d)\s*$/;

/** `HH:MM` as minutes after midnight (0..1439); undefined for anything else. */
export function parseTimeOfDay(text: string): number | undefined {
  const m = TIME_OF_DAY.exec(text);
  return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
}
