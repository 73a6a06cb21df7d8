/** Something a MinHeap can hold: it remembers where it sits, so that it can be moved or removed in O(log n). */
export interface HeapItem {
  /** Its place in the heap, or -1 while it is not in one. Only the heap writes it. */
  heapIndex: number;
}

/**
 * A binary min-heap of items that know their own place: push, pop, peek, and remove or re-sort one
 * item after its key changed, each in O(log n) without searching. `before(a, b)` is true when `a`
 * must come out first. Used for the process-wide refresh schedule (earliest due time first) and the
 * refresh limiter's queue (waiting callers, then earliest expiry).
 */
export class MinHeap<T extends HeapItem> {
  readonly #items: T[] = [];
  readonly #before: (a: T, b: T) => boolean;

  constructor(before: (a: T, b: T) => boolean) {
    this.#before = before;
  }

  get size(): number {
    return this.#items.length;
  }

  peek(): T | undefined {
    return this.#items[0];
  }

  push(item: T): void {
    if (item.heapIndex !== -1) return this.update(item);
    item.heapIndex = this.#items.length;
    this.#items.push(item);
    this.#up(item.heapIndex);
  }

  pop(): T | undefined {
    const first = this.#items[0];
    if (first !== undefined) this.remove(first);
    return first;
  }

  /** Takes `item` out; nothing happens when it is not in the heap. */
  remove(item: T): void {
    const index = item.heapIndex;
    if (index < 0 || this.#items[index] !== item) return;
    const last = this.#items.pop() as T;
    item.heapIndex = -1;
    if (last === item) return;
    this.#items[index] = last;
    last.heapIndex = index;
    this.#down(this.#up(index));
  }

  /** Moves `item` to its place after its key changed. */
  update(item: T): void {
    const index = item.heapIndex;
    if (index < 0 || this.#items[index] !== item) return;
    this.#down(this.#up(index));
  }

  #up(index: number): number {
    const items = this.#items;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.#before(items[index] as T, items[parent] as T)) break;
      this.#swap(index, parent);
      index = parent;
    }
    return index;
  }

  #down(index: number): void {
    const items = this.#items;
    for (;;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let first = index;
      if (left < items.length && this.#before(items[left] as T, items[first] as T)) first = left;
      if (right < items.length && this.#before(items[right] as T, items[first] as T)) first = right;
      if (first === index) return;
      this.#swap(index, first);
      index = first;
    }
  }

  #swap(a: number, b: number): void {
    const items = this.#items;
    const itemA = items[a] as T;
    const itemB = items[b] as T;
    items[a] = itemB;
    items[b] = itemA;
    itemA.heapIndex = b;
    itemB.heapIndex = a;
  }
}
