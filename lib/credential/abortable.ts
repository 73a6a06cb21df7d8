import { firstValueFrom, Observable, race } from "rxjs";

/**
 * The abort signal a caller may pass: a DOM `AbortSignal`, or the `AbortSignalLike` of
 * `@azure/abort-controller` that Azure SDK clients pass.
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * const pending = credential.getToken({ abortSignal: controller.signal });
 * controller.abort(); // pending rejects with an AbortError; other callers are unaffected
 * ```
 */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: "abort", listener: () => void): void;
}

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
 * from `source` so that a shared fetch nobody waits for any more can be cancelled (C8).
 */
export function firstValueUnlessAborted<T>(source: Observable<T>, signal: AbortSignalLike | undefined): Promise<T> {
  if (signal === undefined) return firstValueFrom(source);
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return firstValueFrom(race(abortion(signal), source));
}
