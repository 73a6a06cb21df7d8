import { firstValueFrom, Observable, race } from "rxjs";
import type { AbortSignalLike } from "../types.js";

/** The error an aborted call rejects with: the signal's reason, or an AbortError as `fetch` uses. */
export function abortReason(signal: AbortSignalLike): unknown {
  return signal.reason ?? new DOMException("The operation was aborted.", "AbortError");
}

function abortion(signal: AbortSignalLike): Observable<never> {
  return new Observable<never>((subscriber) => {
    const onAbort = (): void => subscriber.error(abortReason(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    return () => signal.removeEventListener("abort", onAbort);
  });
}

/**
 * The first value of `source` as a promise that rejects as soon as `signal` aborts, unsubscribing
 * from `source` so that a shared refresh nobody waits for any more can be cancelled (C8).
 */
export function firstValueUnlessAborted<T>(source: Observable<T>, signal: AbortSignalLike | undefined): Promise<T> {
  if (signal === undefined) return firstValueFrom(source);
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return firstValueFrom(race(abortion(signal), source));
}
