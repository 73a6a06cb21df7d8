import { of, type Observable, type SchedulerLike } from "rxjs";
import type { TokenInput } from "../token/accessToken.js";

/**
 * Fetches a new token. It receives an AbortSignal that is aborted when nobody needs the token any
 * more, when `refreshTimeoutMs` runs out, or when the credential is disposed: pass it to `fetch`.
 * It may return the token (a JWT string or an AccessToken) directly, as a promise, or as an
 * Observable (the first value is used).
 *
 * @example
 * ```ts
 * const tokenRefresher: TokenRefresher = async (abortSignal) => {
 *   const response = await fetch("/api/acs-token", { signal: abortSignal });
 *   return (await response.json()).token;
 * };
 * ```
 */
export type TokenRefresher = (
  abortSignal: AbortSignal,
  progress?: RefreshProgress,
) => TokenInput | PromiseLike<TokenInput> | Observable<TokenInput>;

/**
 * What a refresher may tell the credential while it works, as its second argument. A refresher that
 * retries on its own (as `tokenEndpoint` does) says when it waits on purpose — a backoff, or the
 * wait a `Retry-After` asks for — so that the wait is not taken for a hung request: no hedged second
 * call (C29) starts before the wait has ended and `hedgeAfterMs` more has passed without an answer.
 *
 * @example
 * ```ts
 * const tokenRefresher: TokenRefresher = async (signal, progress) => {
 *   for (let attempt = 1; ; attempt++) {
 *     const response = await fetch("/api/acs-token", { signal });
 *     if (response.status !== 503 || attempt === 3) return (await response.json()).token;
 *     progress?.backingOff(1_000);
 *     await new Promise((resolve) => setTimeout(resolve, 1_000));
 *   }
 * };
 * ```
 */
export interface RefreshProgress {
  /**
   * This call is alive, and waits `delayMs` on purpose before it asks again. `Infinity`: this call
   * must not be hedged at all (its request must not be sent twice).
   */
  backingOff(delayMs: number): void;
  /**
   * How long, in milliseconds, until the credential gives up on this refresh (`refreshTimeoutMs`
   * after it started): a wait that would end later is not worth starting — better to fail now with
   * the server's answer (and its `retryAfterMs`), which the background retry honours.
   */
  remainingMs(): number;
  /**
   * Waits until this refresh may send one more request (C30): at once without a refresh limiter; with
   * one, until its `perSecond` budget lets one more request start (the refresh already holds its
   * `maxConcurrent` slot). A refresher that retries on its own calls it before each retry, so that the
   * token server sees no more requests than the limiter allows. Emits once, then completes;
   * unsubscribe to stop waiting.
   */
  retryTurn(): Observable<void>;
  /**
   * The credential's scheduler (undefined: the global `Date.now` and `setTimeout`), for a refresher's
   * own waits, so that a test on virtual time drives them too.
   */
  readonly scheduler: SchedulerLike | undefined;
}

/** Progress nobody listens to, with no deadline: for a refresher called outside a credential. */
export const UNHEARD_PROGRESS: RefreshProgress = Object.freeze({
  backingOff: () => {},
  remainingMs: () => Number.POSITIVE_INFINITY,
  retryTurn: () => of(undefined),
  scheduler: undefined,
});
