import { Observable, type Subscription } from "rxjs";
import { waitUntil, type Clock } from "../credential/clock.js";

/**
 * The part of the Web Locks API's `LockManager` (`navigator.locks`) that tab sharing uses: exclusive
 * requests, optionally with an AbortSignal (while queued) or `steal`.
 *
 * @example
 * ```ts
 * const locks: LockManagerLike | undefined = globalThis.navigator?.locks;
 * await locks?.request("my-lock", { mode: "exclusive" }, async () => work());
 * ```
 */
export interface LockManagerLike {
  request(
    name: string,
    options: { mode: "exclusive"; signal?: AbortSignal; steal?: boolean },
    callback: (lock: unknown) => Promise<void> | undefined,
  ): Promise<unknown>;
}

/** Lets a held lock go; calling it again does nothing. */
export type ReleaseLock = () => void;

/**
 * One request of the exclusive Web Lock `name`: emits a ReleaseLock once the lock is granted and
 * completes; the lock is held until that function is called (the Web Locks API holds a lock until the
 * callback's promise settles). Unsubscribing before the grant drops the request (a stealing request
 * cannot be aborted: if granted after that, it lets go at once). Errors, before the grant only, when
 * the request fails (NotSupportedError, InvalidStateError, SecurityError, or a synchronous throw).
 * Once granted, a rejection of the request (`AbortError` when another tab steals the lock) is
 * ignored: this tab's work carries on, as the Web Locks API lets it.
 *
 * @example
 * ```ts
 * heldLock(navigator.locks, "my-lock", false).subscribe((release) => work().finally(release));
 * ```
 */
export function heldLock(locks: LockManagerLike, name: string, steal: boolean): Observable<ReleaseLock> {
  return new Observable<ReleaseLock>((subscriber) => {
    const queued = steal ? undefined : new AbortController();
    let release: ReleaseLock = () => {};
    const holding = new Promise<void>((resolve) => (release = () => resolve()));
    const onGrant = (): Promise<void> | undefined => {
      // Unsubscribed before the grant: hold the lock for no longer than this turn.
      if (subscriber.closed) return undefined;
      subscriber.next(release);
      subscriber.complete();
      return holding;
    };
    const options =
      queued === undefined
        ? { mode: "exclusive" as const, steal: true }
        : { mode: "exclusive" as const, signal: queued.signal };
    try {
      // After the grant (the subscriber has completed), or after leaving, a rejection is ignored: it is
      // the AbortError of a stolen lock or of our own abort.
      Promise.resolve(locks.request(name, options, onGrant)).then(undefined, (error: unknown) =>
        subscriber.error(error),
      );
    } catch (error) {
      subscriber.error(error);
    }
    // Leaves the queue; once granted, the Web Locks API ignores the signal.
    return () => queued?.abort();
  });
}

/**
 * The exclusive Web Lock `name`, waited for in the queue; when it is not granted within
 * `stealAfterMs`, its holder is taken to be wedged (a frozen or hung tab, whose own refresh would have
 * timed out by then) and the lock is requested again with `steal`, after leaving the queue. Emits a
 * ReleaseLock once granted and completes; errors as {@link heldLock} does.
 *
 * @example
 * ```ts
 * exclusiveTurn(navigator.locks, "my-lock", clock, 30_000).subscribe((release) => work().finally(release));
 * ```
 */
export function exclusiveTurn(
  locks: LockManagerLike,
  name: string,
  clock: Clock,
  stealAfterMs: number,
): Observable<ReleaseLock> {
  return new Observable<ReleaseLock>((subscriber) => {
    const pass = {
      next: (release: ReleaseLock) => {
        subscriber.next(release);
        subscriber.complete();
      },
      error: (error: unknown) => subscriber.error(error),
    };
    let request: Subscription | undefined;
    const overdue = waitUntil(clock, clock.now() + stealAfterMs).subscribe(() => {
      request?.unsubscribe();
      request = heldLock(locks, name, true).subscribe(pass);
    });
    request = heldLock(locks, name, false).subscribe(pass);
    return () => {
      overdue.unsubscribe();
      request?.unsubscribe();
    };
  });
}
