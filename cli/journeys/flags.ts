import { UsageError } from '../command.ts';
import { durationMs } from '../../compiler/3-analyze/journeys/times.ts';

/** A duration flag (`--resolution 15m`) in milliseconds; a usage error names the flag otherwise. */
export function parseDurationFlag(flag: string, value: string, options: { zero?: boolean } = {}): number {
  const ms = durationMs(value.trim());
  if (ms === undefined || (ms === 0 && !options.zero)) {
    throw new UsageError(`--${flag} "${value}" is not a duration: write a whole number and a unit (s, m, h, d, w), e.g. 15m or 1d`);
  }
  return ms;
}
