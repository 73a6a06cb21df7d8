import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

// For the leak specs: V8's own garbage collector, run on demand, and a count of what it left.
//
// `--expose_gc` set at run time makes `gc` a global of every context created after it; a fresh vm
// context hands it over, so neither Jest nor node needs a flag. Captured when a spec imports this,
// before any test installs fake timers: a real turn of the event loop does not depend on fake time.
setFlagsFromString("--expose_gc");
const gc = runInNewContext("gc") as () => void;
const realSetImmediate = setImmediate;

/** One real turn of the event loop (a macrotask), without moving fake time. Not a sleep: no timer. */
const oneTurn = (): Promise<void> => new Promise((resolve) => realSetImmediate(resolve));

/** How many of the objects behind `refs` are still in memory. */
export function survivors(refs: readonly WeakRef<object>[]): number {
  let alive = 0;
  for (const ref of refs) if (ref.deref() !== undefined) alive++;
  return alive;
}

/**
 * Runs full garbage collections until none of the objects behind `refs` is left, or `rounds` of them
 * have run, and returns how many are left of each kind. A real turn of the event loop comes before
 * each collection: V8 keeps every object a `WeakRef` was made for or read in the current job alive
 * until the job ends, and the promise reactions of the work just dropped must have run. An object
 * that something still holds survives every round, so the rounds after the first only keep a
 * collector that did not reach everything at once from looking like a leak.
 *
 * @example
 * const refs = { thing: makeThings().map((thing) => new WeakRef(thing)) };
 * expect(await survivorsAfterGc(refs)).toEqual({ thing: 0 });
 */
export async function survivorsAfterGc<K extends string>(
  refs: Readonly<Record<K, readonly WeakRef<object>[]>>,
  rounds = 10,
): Promise<Record<K, number>> {
  const kinds = Object.keys(refs) as K[];
  const count = () => Object.fromEntries(kinds.map((kind) => [kind, survivors(refs[kind])])) as Record<K, number>;
  for (let round = 0; round < rounds; round++) {
    await oneTurn();
    gc();
    await oneTurn();
    if (kinds.every((kind) => survivors(refs[kind]) === 0)) break;
  }
  return count();
}
