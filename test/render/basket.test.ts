import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { itemIdLookupKeys, normalizeItemId } from '../../runtime/ingest/coerce/item-id.ts';
import { basketItem, catalogueById, openCartLines } from '../../runtime/render/cart.ts';
import { popularItems } from '../../runtime/render/popularity.ts';

describe('item ids in one spelling, and baskets that are never empty by accident', () => {
  it('normalises ids so the spellings of one product meet (property)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9A-Za-z]{1,8}$/), fc.constantFrom('', ' ', '\t'), (id, pad) => {
        const variants = [id, id.toLowerCase(), id.toUpperCase(), `${pad}${id}${pad}`];
        expect(new Set(variants.map(normalizeItemId)).size).toBe(1);
        expect(normalizeItemId(normalizeItemId(id))).toBe(normalizeItemId(id));
        expect(itemIdLookupKeys([id])).toContain(normalizeItemId(id));
      }),
    );
    expect(normalizeItemId('   ')).toBeUndefined();
    expect(normalizeItemId(23644)).toBe('23644');
  });

  it('puts 35809a and 35809A in the basket once, and shows a basket item the catalogue lacks from its event', () => {
    const events = [
      { type: 'added_to_cart', at: 3, item_id: '35809a', price: 2.5 },
      { type: 'added_to_cart', at: 2, item_id: '35809A', price: 2.5 },
      { type: 'added_to_cart', at: 1, item_id: '23644', price: 4.25, name: 'Paper chain kit' },
    ];
    const lines = openCartLines(events, 10);
    expect(lines.map((l) => l.id)).toEqual(['35809A', '23644']);
    const catalogue = catalogueById([{ id: '35809A', name: 'Heart lantern', price: 2.5 }]);
    expect(lines.map((l) => basketItem(l, catalogue))).toEqual([
      { id: '35809A', name: 'Heart lantern', price: 2.5 },
      { id: '23644', price: 4.25, name: 'Paper chain kit' },
    ]);
  });

  it('counts purchases of both spellings as one product in the popularity fallback', () => {
    const items = [
      { id: '85123A', name: 'Holder' },
      { id: '22423', name: 'Cakestand' },
    ];
    const events = [
      { type: 'purchase', customer: 'a', item_id: '85123a', quantity: 1 },
      { type: 'purchase', customer: 'b', item_id: '85123A', quantity: 1 },
      { type: 'purchase', customer: 'c', item_id: '22423', quantity: 5 },
    ];
    expect(popularItems(events, items, 2).map((i) => i.id)).toEqual(['85123A', '22423']);
  });
});
