import { describe, expect, it } from 'vitest';
import { applyDefaults } from '../../compiler/4-emit/normalize.ts';

const schema = {
  type: 'object',
  definitions: { step: { type: 'object', properties: { retries: { type: 'integer', default: 3 } } } },
  properties: {
    live: { type: 'boolean', default: false },
    entry: { type: 'object', properties: { once_per: { type: 'string', default: '7d' }, event: { type: 'string' } } },
    steps: { type: 'object', additionalProperties: { $ref: '#/definitions/step' } },
    list: { type: 'array', items: { type: 'object', properties: { weight: { type: 'number', default: 1 } } } },
    tags: { type: 'array', default: [] },
  },
};

describe('applyDefaults', () => {
  it('fills missing properties at every depth, through $ref, additionalProperties and items', () => {
    const input = { entry: { event: 'purchase' }, steps: { a: {}, b: { retries: 0 } }, list: [{}, { weight: 5 }] };
    expect(applyDefaults(schema, input)).toEqual({
      live: false,
      tags: [],
      entry: { event: 'purchase', once_per: '7d' },
      steps: { a: { retries: 3 }, b: { retries: 0 } },
      list: [{ weight: 1 }, { weight: 5 }],
    });
  });

  it('keeps values that are written, never mutates its input, and copies defaults', () => {
    const input = { live: true };
    const out = applyDefaults(schema, input) as { tags: unknown[] };
    expect(input).toEqual({ live: true });
    out.tags.push(1);
    expect((applyDefaults(schema, {}) as { tags: unknown[] }).tags).toEqual([]);
  });

  it('is idempotent', () => {
    const once = applyDefaults(schema, { steps: { x: {} } });
    expect(applyDefaults(schema, once)).toEqual(once);
  });

  it('leaves values alone when there is no schema', () => {
    expect(applyDefaults(undefined, { a: 1 })).toEqual({ a: 1 });
  });
});
