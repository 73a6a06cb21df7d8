// What a credential or refresher checks is what it keeps (C2): each option is read from the caller's
// object once, into a frozen plain object, before anything is checked. A getter, a Proxy, or a change
// to the object after construction then cannot put a value in place of the one that was checked.

/**
 * The options `names` of `options`, each read once, in a frozen plain object (names whose value is
 * undefined are left out). Unknown names are the caller's to reject, on the original object.
 *
 * @example
 * ```ts
 * const given = snapshotOptions(options, ["resourceEndpoint", "scopes"]);
 * checkEndpoint(given.resourceEndpoint); // and keep given.resourceEndpoint, never options.resourceEndpoint
 * ```
 */
export function snapshotOptions<T extends object>(options: T, names: Iterable<string>): Readonly<T> {
  const copy: Record<string, unknown> = {};
  for (const name of names) {
    const value = (options as Record<string, unknown>)[name];
    if (value !== undefined) copy[name] = value;
  }
  return Object.freeze(copy) as Readonly<T>;
}
