import { RefreshTimeoutError } from "../errors.js";
import type { AbortSignalLike } from "../types.js";
import { abortReason } from "../support/abortReason.js";
import { MAX_TIMER_MS, type Clock } from "../time/clock.js";

/** The refresh pipeline module (refreshPipeline.ts), loaded on demand. */
export type RefreshPipeline = typeof import("./refreshPipeline.js");

let loaded: RefreshPipeline | undefined;
let loading: Promise<RefreshPipeline> | undefined;

/**
 * The refresh pipeline if it has loaded, else undefined. A refreshing credential starts loading it
 * when it is made (`loadRefreshPipeline`), so that it is there by the first refresh.
 *
 * @example
 * ```ts
 * const pipeline = loadedRefreshPipeline() ?? (await refreshPipelineWithin(clock, 30_000, signal));
 * ```
 */
export function loadedRefreshPipeline(): RefreshPipeline | undefined {
  return loaded;
}

/**
 * Loads the refresh pipeline, once per process; a load that failed (a deploy removed the chunk, the
 * network dropped it) is tried again at the next call.
 *
 * @example
 * ```ts
 * void loadRefreshPipeline().catch(() => {}); // start early; a refresh waits for it when it must
 * ```
 */
export function loadRefreshPipeline(): Promise<RefreshPipeline> {
  return (loading ??= import("./refreshPipeline.js").then(
    (pipeline) => (loaded = pipeline),
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  ));
}

/**
 * Starts loading the refresh pipeline unless it is loaded or loading: what a refreshing credential
 * does when it is made. Costs nothing for the second credential and every one after it.
 *
 * @example
 * ```ts
 * prefetchRefreshPipeline();
 * ```
 */
export function prefetchRefreshPipeline(): void {
  if (loaded === undefined && loading === undefined) loadRefreshPipeline().catch(() => {});
}

/**
 * The refresh pipeline, waited for no longer than `timeoutMs` on `clock` (C32) nor after `signal`
 * aborts: see {@link settledWithin}.
 *
 * @example
 * ```ts
 * const pipeline = await refreshPipelineWithin(clock, refreshTimeoutMs, options?.abortSignal);
 * ```
 */
export function refreshPipelineWithin(
  clock: Clock,
  timeoutMs: number,
  signal: AbortSignalLike | undefined,
): Promise<RefreshPipeline> {
  return settledWithin(loadRefreshPipeline(), clock, timeoutMs, signal);
}

/**
 * `promise`'s outcome, unless `timeoutMs` passes on `clock` first (a RefreshTimeoutError) or `signal`
 * aborts first (its reason). The timer and the listener are gone once it settles.
 *
 * @example
 * ```ts
 * await settledWithin(import("./chunk.js"), clock, 30_000, signal);
 * ```
 */
export function settledWithin<T>(
  promise: Promise<T>,
  clock: Clock,
  timeoutMs: number,
  signal: AbortSignalLike | undefined,
): Promise<T> {
  if (signal?.aborted === true) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => finish(() => reject(abortReason(signal as AbortSignalLike)));
    const cancelTimer = clock.setTimer(
      () => finish(() => reject(new RefreshTimeoutError(timeoutMs))),
      Math.min(timeoutMs, MAX_TIMER_MS),
    );
    const finish = (settle: () => void): void => {
      cancelTimer();
      signal?.removeEventListener("abort", onAbort);
      settle();
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => finish(() => resolve(value)),
      (error: unknown) => finish(() => reject(error)),
    );
  });
}

// Loading starts when the engine is imported, not at the first refresh: no timer, no global, only the
// import — and then a refresh never waits for it in practice, not even the first one in a test that
// runs on an rxjs TestScheduler, whose virtual time cannot wait for a real import.
prefetchRefreshPipeline();
