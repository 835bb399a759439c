import { UsageError } from '../command.ts';
import { parseDuration } from '../../compiler/contract/core/durations.ts';

/** A duration flag (`--resolution 15m`) in milliseconds; a usage error names the flag otherwise. */
export function parseDurationFlag(flag: string, value: string, options: { zero?: boolean } = {}): number {
  const ms = parseDuration(value.trim());
  if (ms === undefined || (ms === 0 && !options.zero)) {
    throw new UsageError(`--${flag} "${value}" is not a duration: write a whole number and a unit (s, m, h, d, w), e.g. 15m or 1d`);
  }
  return ms;
}
