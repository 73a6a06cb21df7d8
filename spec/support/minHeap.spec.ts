import fc from "fast-check";
import { MinHeap, type HeapItem } from "../../lib/support/minHeap.js";

interface Keyed extends HeapItem {
  key: number;
}
const item = (key: number): Keyed => ({ key, heapIndex: -1 });
const heap = () => new MinHeap<Keyed>((a, b) => a.key < b.key);

describe("MinHeap", () => {
  it("pops items in key order, whatever order they were pushed and removed in", () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), fc.array(fc.nat()), (keys, removals) => {
        const items = keys.map(item);
        const h = heap();
        items.forEach((i) => h.push(i));
        const removed = new Set(removals.map((r) => items[r % Math.max(1, items.length)]).filter(Boolean));
        removed.forEach((i) => h.remove(i as Keyed));
        const expected = items
          .filter((i) => !removed.has(i))
          .map((i) => i.key)
          .sort((a, b) => a - b);
        const popped: number[] = [];
        for (let next = h.pop(); next !== undefined; next = h.pop()) popped.push(next.key);
        expect(popped).toEqual(expected);
        expect(items.every((i) => i.heapIndex === -1)).toBe(true);
      }),
    );
  });

  it("re-sorts an item whose key changed", () => {
    const [a, b, c] = [item(1), item(2), item(3)];
    const h = heap();
    [a, b, c].forEach((i) => h.push(i));
    c.key = 0;
    h.update(c);
    a.key = 9;
    h.update(a);
    expect([h.pop(), h.pop(), h.pop()].map((i) => i?.key)).toEqual([0, 2, 9]);
  });

  it("ignores removing an item that is not in it, and pushing one twice re-sorts it", () => {
    const h = heap();
    const a = item(1);
    h.remove(a);
    h.push(a);
    h.push(a);
    expect(h.size).toBe(1);
    expect(h.peek()).toBe(a);
  });
});
