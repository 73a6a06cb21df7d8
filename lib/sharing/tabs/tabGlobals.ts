import type { LockManagerLike } from "./webLock.js";

/**
 * The part of a `BroadcastChannel` that tab sharing uses; `unref` is Node's (worker_threads), which
 * keeps an open channel from holding the process alive.
 *
 * @example
 * ```ts
 * const channel: ChannelLike = new BroadcastChannel("my-channel");
 * channel.addEventListener("message", ({ data }) => console.log(data));
 * ```
 */
export interface ChannelLike {
  postMessage(message: unknown): void;
  close(): void;
  addEventListener(type: "message", listener: (event: { readonly data?: unknown }) => void): void;
  unref?(): void;
}

/**
 * What kind of runtime this is, asked through an object so that a spec, which runs in Node, can stand
 * in for a browser: `jest.spyOn(tabRuntime, "isNode").mockReturnValue(false)`.
 *
 * @example
 * ```ts
 * if (tabRuntime.isNode()) return undefined; // a server: no tabs to share with
 * ```
 */
export const tabRuntime = {
  /**
   * Whether this is Node (or a runtime that presents itself as Node: `process.versions.node` is set).
   * Node ≥ 24.5 has `navigator.locks` and a `BroadcastChannel`, but there they span one process's
   * threads, not tabs: a server that shared through them would serialize every refresh of a name
   * behind one process-wide lock and wait for answers no tab sends. Never throws.
   */
  isNode(): boolean {
    try {
      const process = (globalThis as { process?: { versions?: { node?: unknown } } }).process;
      return typeof process?.versions?.node === "string";
    } catch {
      return false;
    }
  },
};

/**
 * This realm's `navigator.locks`, or undefined where the Web Locks API is missing (Node before 24.5,
 * old browsers, insecure contexts, some workers). Never throws.
 *
 * @example
 * ```ts
 * const locks = webLocks();
 * if (locks === undefined) refreshAlone();
 * ```
 */
export function webLocks(): LockManagerLike | undefined {
  try {
    const locks = (globalThis as { navigator?: { locks?: { request?: unknown } } }).navigator?.locks;
    return typeof locks?.request === "function" ? (locks as LockManagerLike) : undefined;
  } catch {
    return undefined;
  }
}

/** A BroadcastChannel class, as `globalThis.BroadcastChannel` is one. */
export type ChannelConstructor = new (name: string) => ChannelLike;

/**
 * The Web Locks and BroadcastChannel of the realm (the page or worker) a credential was made in,
 * taken when it is made: tab sharing starts later, once its module has loaded.
 *
 * @example
 * ```ts
 * const realm = currentRealm(); // { locks: navigator.locks, Channel: BroadcastChannel } in a page
 * ```
 */
export interface TabRealm {
  readonly locks: LockManagerLike | undefined;
  readonly Channel: ChannelConstructor | undefined;
}

/** This realm's Web Locks and BroadcastChannel, each undefined where missing. Never throws. */
export function currentRealm(): TabRealm {
  let Channel: ChannelConstructor | undefined;
  try {
    const found = (globalThis as { BroadcastChannel?: unknown }).BroadcastChannel;
    Channel = typeof found === "function" ? (found as ChannelConstructor) : undefined;
  } catch {
    Channel = undefined;
  }
  return { locks: webLocks(), Channel };
}

/**
 * A new BroadcastChannel of that name, of the class `Channel`, unref'd in Node; undefined where
 * making one throws (an opaque origin, for instance). Never throws.
 *
 * @example
 * ```ts
 * const channel = openChannel(BroadcastChannel, "my-channel");
 * channel?.postMessage({ hello: "peers" });
 * ```
 */
export function openChannel(Channel: ChannelConstructor, name: string): ChannelLike | undefined {
  try {
    const channel = new Channel(name);
    // Node's channels keep the process alive while open; a credential must never do that (C14).
    channel.unref?.();
    return channel;
  } catch {
    return undefined;
  }
}
