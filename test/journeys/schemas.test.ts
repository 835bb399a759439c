import { describe, expect, it } from 'vitest';
import { readSchema } from '../../compiler/schema/files.ts';

/** Paths of subschemas under `properties` (what editors show on hover) without a description. */
function withoutDescription(node: unknown, at: string): string[] {
  if (typeof node !== 'object' || node === null) return [];
  const found: string[] = [];
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    if (key === 'properties' && typeof value === 'object' && value !== null) {
      for (const [prop, sub] of Object.entries(value as Record<string, { description?: unknown }>))
        if (typeof sub.description !== 'string') found.push(`${at}.${prop}`);
    }
    found.push(...withoutDescription(value, `${at}/${key}`));
  }
  return found;
}

describe('the Journey, Campaign and Test schemas', () => {
  for (const kind of ['journey', 'campaign', 'test']) {
    it(`${kind}: every property is described, and typos are caught`, () => {
      const schema = readSchema(`kinds/${kind}.schema.json`);
      expect(withoutDescription(schema, kind)).toEqual([]);
      expect(schema.additionalProperties).toBe(false);
    });
  }
});
