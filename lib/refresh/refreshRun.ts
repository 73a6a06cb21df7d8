import {
  defer,
  firstValueFrom,
  map,
  race,
  ReplaySubject,
  share,
  Subject,
  tap,
  throwIfEmpty,
  type Observable,
  type Subscription,
} from "rxjs";
import { InvalidTokenError } from "../errors.js";
import type { AbortSignalLike, AccessToken } from "../types.js";
import { firstValueUnlessAborted } from "../support/abortable.js";
import type { ReceivedToken } from "../token/issuerClock.js";
import type { RefreshLimiter, RefreshPriority } from "../limiter/refreshLimiter.js";

/** How a refresh goes, told to its credential before anyone waiting on it hears. */
export interface RefreshRunEvents {
  /** Its turn came: the limiter let it start (C31). Not told without a limiter: it starts at once. */
  started(): void;
  token(received: ReceivedToken): void;
  error(error: unknown): void;
  /** Everyone left before it settled: it was cancelled (C8). */
  cancelled(): void;
}

/**
 * One refresh while it runs (C5, C8, C23): the one shared refresher call as an Observable of its
 * token, its place in the limiter's queue, and who holds it. It exists only while the refresh runs,
 * so a waiting credential holds none of it (C24).
 *
 * @example
 * ```ts
 * const run = new RefreshRun(call$, limiter, held?.expiresOnTimestamp ?? -Infinity, events);
 * const token = await run.join(abortSignal, limiter);
 * ```
 */
export class RefreshRun {
  /** The refresh's token, shared by every subscriber; errors as the refresh fails. */
  readonly token$: Observable<AccessToken>;
  readonly priority: RefreshPriority | undefined;
  /** False while the refresh waits its turn in the limiter (C31). */
  started: boolean;
  /** Ends the refresh for everyone, whatever it is doing (dispose, C19). */
  readonly #stop = new Subject<never>();
  /** The one promise that every caller without an abort signal awaits. */
  #joined: Promise<AccessToken> | undefined;
  /** The schedule's own subscription, so that callers leaving do not cancel a refresh it wants. */
  #background: Subscription | undefined;

  /** `expiresAt`: when the token being replaced expires, for the limiter's order (C23). */
  constructor(
    call$: Observable<ReceivedToken>,
    limiter: RefreshLimiter | undefined,
    expiresAt: number,
    events: RefreshRunEvents,
  ) {
    const priority = limiter === undefined ? undefined : { callerWaiting: false, expiresAt };
    this.priority = priority;
    this.started = limiter === undefined;
    const turn$ =
      limiter === undefined || priority === undefined
        ? call$
        : limiter.schedule(
            defer(() => {
              this.started = true;
              events.started();
              return call$;
            }),
            priority,
          );
    this.token$ = race(turn$, this.#stop).pipe(
      // A group or a limiter of someone else's making might end the refresh without a token: that is a
      // failure too, or the run would stay the credential's forever.
      throwIfEmpty(() => new InvalidTokenError("The refresh ended without a token.")),
      tap({ next: events.token, error: events.error, unsubscribe: events.cancelled }),
      map(({ token }) => token),
      share({
        // A caller who joins as the refresh settles still hears how it ended, instead of calling the
        // refresher again: the credential drops a settled run, so later calls start a new one.
        connector: () => new ReplaySubject(1),
        resetOnComplete: false,
        resetOnError: false,
        // Nobody waits any more: the refresher's signal is aborted (C8), and a later call starts anew.
        resetOnRefCountZero: true,
      }),
    );
  }

  /**
   * Waits for the refresh as a caller, who goes before background refreshes in the limiter (C23).
   * Callers without an abort signal cannot leave early, so they share one promise: ten thousand
   * concurrent callers cost one subscription, not ten thousand.
   */
  join(signal: AbortSignalLike | undefined, limiter: RefreshLimiter | undefined): Promise<AccessToken> {
    const priority = this.priority;
    if (priority !== undefined && !priority.callerWaiting) {
      priority.callerWaiting = true;
      limiter?.reprioritize(priority);
    }
    if (signal !== undefined) return firstValueUnlessAborted(this.token$, signal);
    return (this.#joined ??= firstValueFrom(this.token$));
  }

  /** Holds the refresh for the schedule (its errors are the credential's to handle, in its events). */
  holdInBackground(): void {
    this.#background ??= this.token$.subscribe({ error: () => {} });
  }

  /** Lets go of the schedule's hold: callers still waiting keep the refresh; otherwise it is cancelled (C8). */
  releaseBackground(): void {
    const background = this.#background;
    this.#background = undefined;
    background?.unsubscribe();
  }

  /** Ends the refresh for everyone with `error`, cancelling the refresher call. */
  stop(error: unknown): void {
    this.#stop.error(error);
  }
}
