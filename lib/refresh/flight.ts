import { firstValueFrom, Observable, type Subscription } from "rxjs";
import type { AbortSignalLike, AccessToken } from "../types.js";
import { firstValueUnlessAborted } from "../support/abortable.js";
import type { ReceivedToken } from "../token/issuerClock.js";
import type { RefreshLimiter, RefreshPriority } from "../limiter/refreshLimiter.js";
import { SharedRefresh } from "./sharedRefresh.js";

/** How a refresh ended, told to its credential before anyone waiting on it hears. */
export interface FlightLanding {
  token(received: ReceivedToken): void;
  error(error: unknown): void;
  /** Everyone left before it settled: it was cancelled (C8). */
  cancelled(): void;
}

/**
 * A refresh in flight (C5): the one shared refresher call, who holds it, and its place in the refresh
 * limiter's queue. It exists only while the refresh runs, so a waiting credential holds none of it.
 */
export class Flight {
  readonly refresh: SharedRefresh<AccessToken>;
  readonly priority: RefreshPriority | undefined;
  /** The one promise that every caller without an abort signal awaits. */
  #joined: Promise<AccessToken> | undefined;
  /** The schedule's own subscription, so that callers leaving do not cancel a refresh it wants. */
  background: Subscription | undefined;

  /** `expiresAt`: when the token being replaced expires, for the limiter's order (C23). */
  constructor(
    call: Observable<ReceivedToken>,
    limiter: RefreshLimiter | undefined,
    expiresAt: number,
    landing: FlightLanding,
  ) {
    this.priority = limiter === undefined ? undefined : { callerWaiting: false, expiresAt };
    const work = limiter === undefined || this.priority === undefined ? call : limiter.schedule(call, this.priority);
    const landed = new Observable<AccessToken>((subscriber) =>
      work.subscribe({
        next: (received) => {
          landing.token(received);
          subscriber.next(received.token);
        },
        error: (error: unknown) => {
          landing.error(error);
          subscriber.error(error);
        },
        complete: () => subscriber.complete(),
      }),
    );
    this.refresh = new SharedRefresh(landed, () => landing.cancelled());
  }

  /**
   * Waits for the refresh as a caller. A waiting caller goes before background refreshes in the
   * limiter (C23). Callers without an abort signal cannot leave early, so they all share one
   * subscription: ten thousand concurrent callers cost one promise, not ten thousand subscriptions.
   */
  join(signal: AbortSignalLike | undefined, limiter: RefreshLimiter | undefined): Promise<AccessToken> {
    const priority = this.priority;
    if (priority !== undefined && !priority.callerWaiting) {
      priority.callerWaiting = true;
      limiter?.reprioritize(priority);
    }
    if (signal !== undefined) return firstValueUnlessAborted(this.refresh.result, signal);
    if (this.#joined !== undefined) return this.#joined;
    const joined = firstValueFrom(this.refresh.result);
    if (!this.refresh.settled) this.#joined = joined; // a refresher that answered synchronously is done
    return joined;
  }

  /** Holds the refresh for the schedule (errors are the credential's to handle, in its landing). */
  holdInBackground(): void {
    if (this.background !== undefined) return;
    const background = this.refresh.result.subscribe({ error: () => {} });
    if (!background.closed) this.background = background;
  }

  /** Lets go of the schedule's hold: callers still waiting keep the refresh; otherwise it is cancelled (C8). */
  releaseBackground(): void {
    const background = this.background;
    this.background = undefined;
    background?.unsubscribe();
  }
}
