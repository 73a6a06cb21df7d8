import type { AbortSignalLike } from "../types.js";

/**
 * The error an aborted call rejects with: the signal's reason, or an AbortError as `fetch` uses.
 *
 * @example
 * ```ts
 * if (signal.aborted) return Promise.reject(abortReason(signal));
 * ```
 */
export function abortReason(signal: AbortSignalLike): unknown {
  return signal.reason ?? new DOMException("The operation was aborted.", "AbortError");
}
