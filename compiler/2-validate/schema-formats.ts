import { fullFormats } from 'ajv-formats/dist/formats.js';
import type { FormatDefinition } from 'ajv';
import { isTimeZone } from '../contract/core/zones.ts';

/** Custom string formats Herald's schemas may use (besides ajv-formats' date, date-time, email, uri, ...). */
export const HERALD_FORMATS: Record<string, FormatDefinition<string>> = {
  'iana-time-zone': { type: 'string', validate: isTimeZone },
};

/**
 * Every format the schemas may name, as the validators compiled at build time reach them
 * (`require(this module).schemaFormats[name]`): ajv-formats' full set and Herald's own, the very
 * objects the run-time ajv is given, so both check a value alike.
 */
export const schemaFormats = { ...fullFormats, ...HERALD_FORMATS };
