import { firstValueFrom, Observable, race } from "rxjs";
import type { AbortSignalLike } from "../types.js";
import { abortReason } from "./abortReason.js";

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

/**
 * A promise-returning call as a cold Observable: subscribing makes the call with a signal of its own,
 * which aborts when the subscriber leaves before the call settled, so that a wait nobody needs any more
 * is cancelled (C8). A call that throws synchronously errors the Observable like a rejection.
 */
export function abortableCall<T>(call: (abortSignal: AbortSignal) => PromiseLike<T>): Observable<T> {
  return new Observable<T>((subscriber) => {
    const controller = new AbortController();
    let settled = false;
    new Promise<T>((resolve) => resolve(call(controller.signal))).then(
      (value) => {
        settled = true;
        subscriber.next(value);
        subscriber.complete();
      },
      (error: unknown) => {
        settled = true;
        subscriber.error(error);
      },
    );
    return () => {
      if (!settled) controller.abort();
    };
  });
}
