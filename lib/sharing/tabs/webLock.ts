import { Observable, type Subscription } from "rxjs";
import { waitUntil, type Clock } from "../../time/clock.js";

/**
 * The part of the Web Locks API's `LockManager` (`navigator.locks`) that tab sharing uses: exclusive
 * requests, optionally with an AbortSignal (while queued) or `steal`, and, where there is one,
 * `query()`, which tells who holds a lock.
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
  query?(): Promise<{ readonly held?: readonly LockInfoLike[] | undefined }>;
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
 * What `query()` tells of a held lock: the tab (client) holding it is what tab sharing looks at.
 *
 * @example
 * ```ts
 * const { held = [] } = await navigator.locks.query();
 * const holder: string | undefined = held.find((info: LockInfoLike) => info.name === "my-lock")?.clientId;
 * ```
 */
export interface LockInfoLike {
  readonly name?: string | undefined;
  readonly clientId?: string | undefined;
}

/**
 * A turn with the lock: the function that lets it go, and whether the lock was stolen to get it.
 *
 * @example
 * ```ts
 * exclusiveTurn(locks, "my-lock", clock, 30_000).subscribe((turn: LockTurn) => work(turn.stolen).finally(turn.release));
 * ```
 */
export interface LockTurn {
  readonly release: ReleaseLock;
  readonly stolen: boolean;
}

/**
 * The lock a waiting tab holds while it decides whether to steal lock `name`, so that only one tab
 * steals. A name that starts with `steal:` is never one of tab sharing's, which start with
 * `rx-communication-common:`.
 *
 * @example
 * ```ts
 * stealTicketName("rx-communication-common:acs-user-42"); // "steal:rx-communication-common:acs-user-42"
 * ```
 */
export function stealTicketName(name: string): string {
  return `steal:${name}`;
}

// query() could not tell (it is missing, failed, or names no client).
const UNKNOWN = Symbol("unknown holder");
type Holder = string | undefined | typeof UNKNOWN;

// The clientId of the tab holding lock `name` now, or undefined when none does. Never throws.
async function holderOf(locks: LockManagerLike, name: string): Promise<Holder> {
  try {
    const { held } = (await locks.query?.()) ?? {};
    const lock = held?.find((info) => info.name === name);
    if (lock === undefined) return undefined;
    return typeof lock.clientId === "string" ? lock.clientId : UNKNOWN;
  } catch {
    return UNKNOWN;
  }
}

function hasQuery(locks: LockManagerLike): boolean {
  try {
    return typeof locks.query === "function";
  } catch {
    return false;
  }
}

// Emits when the lock's holder has held it for `stealAfterMs`, and then it is time to steal; the
// subscriber must request the steal at once, while the steal ticket is held, which is let go right
// after. A holder is judged by its clientId, seen at the request and at each check: when it has changed
// (the lock was passed on, or another waiter stole it), the new holder gets `stealAfterMs` from then.
// The ticket makes the checks of the waiting tabs take turns, so that the tab checking after a steal
// sees the thief as the holder (the lock manager handles requests and queries in order), and steals
// nothing. Where query() is missing or cannot tell, the wait runs from the request, as before.
function overdueHolder(locks: LockManagerLike, name: string, clock: Clock, stealAfterMs: number): Observable<void> {
  if (!hasQuery(locks)) return waitUntil(clock, clock.now() + stealAfterMs);
  return new Observable<void>((subscriber) => {
    let seen: Holder = UNKNOWN;
    let checked = false;
    void holderOf(locks, name).then((holder) => {
      if (!checked) seen = holder;
    });
    // The same holder as at the last look (or none at either, while this tab was not granted the
    // lock): overdue. A clientId cannot tell two turns of one tab apart, but the queue is first come,
    // first served: a tab that let the lock go holds it again only after this one has had its turn.
    // A holder that cannot be told: overdue too, as without query().
    const isOverdue = (holder: Holder): boolean => {
      checked = true;
      if (holder === UNKNOWN || holder === seen) return true;
      seen = holder;
      return false;
    };
    // The ticket held while its holder is looked up; let go once the check is done, or when left.
    let releaseTicket: ReleaseLock | undefined;
    const releaseStealTurn = (): void => {
      releaseTicket?.();
      releaseTicket = undefined;
    };
    const checkWithTicket = (release: ReleaseLock): void => {
      releaseTicket = release;
      void holderOf(locks, name).then((holder) => {
        if (subscriber.closed) return;
        if (isOverdue(holder)) {
          subscriber.next(); // the steal is requested here, while the ticket is still held
          subscriber.complete();
        } else {
          releaseStealTurn();
          waitThenCheck();
        }
      });
    };
    const waitThenCheck = (): void => {
      const wait = waitUntil(clock, clock.now() + stealAfterMs).subscribe(() => {
        const ticket = heldLock(locks, stealTicketName(name), false).subscribe({
          next: checkWithTicket,
          // No ticket to be had: check without one rather than never steal.
          error: () => checkWithTicket(() => {}),
        });
        subscriber.add(ticket);
      });
      subscriber.add(wait);
    };
    waitThenCheck();
    return releaseStealTurn;
  });
}

/**
 * The exclusive Web Lock `name`, waited for in the queue; when its holder has held it for
 * `stealAfterMs`, it is taken to be wedged (a frozen or hung tab, whose own refresh would have timed
 * out by then) and the lock is requested again with `steal`, after leaving the queue. Of several tabs
 * waiting, one steals: the others then see a new holder and give it `stealAfterMs` (see
 * overdueHolder; where `query()` is missing, each waiter steals `stealAfterMs` after its request).
 * Emits a LockTurn once granted and completes; errors as {@link heldLock} does.
 *
 * @example
 * ```ts
 * exclusiveTurn(navigator.locks, "my-lock", clock, 30_000).subscribe(({ release }) => work().finally(release));
 * ```
 */
export function exclusiveTurn(
  locks: LockManagerLike,
  name: string,
  clock: Clock,
  stealAfterMs: number,
): Observable<LockTurn> {
  return new Observable<LockTurn>((subscriber) => {
    const grant = (stolen: boolean) => ({
      next: (release: ReleaseLock) => {
        subscriber.next({ release, stolen });
        subscriber.complete();
      },
      error: (error: unknown) => subscriber.error(error),
    });
    let request: Subscription | undefined;
    const overdue = overdueHolder(locks, name, clock, stealAfterMs).subscribe(() => {
      request?.unsubscribe();
      request = heldLock(locks, name, true).subscribe(grant(true));
    });
    request = heldLock(locks, name, false).subscribe(grant(false));
    return () => {
      overdue.unsubscribe();
      request?.unsubscribe();
    };
  });
}
