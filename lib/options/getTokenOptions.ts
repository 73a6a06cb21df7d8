import type { CommunicationGetTokenOptions } from "../types.js";

/**
 * The TypeError for getToken/refresh options that are a signal themselves — `getToken(signal)` where
 * `getToken({ abortSignal: signal })` was meant — which would otherwise be ignored without a word.
 * Undefined for anything else.
 *
 * @example
 * ```ts
 * const mistake = misplacedSignalError(options, "getToken");
 * if (mistake !== undefined) return Promise.reject(mistake);
 * ```
 */
export function misplacedSignalError(options: CommunicationGetTokenOptions, method: string): TypeError | undefined {
  const candidate = options as { aborted?: unknown; addEventListener?: unknown };
  if (typeof candidate.aborted !== "boolean" || typeof candidate.addEventListener !== "function") return undefined;
  if ("abortSignal" in options) return undefined;
  return new TypeError(
    `${method} takes an options object: pass the signal as ${method}({ abortSignal: signal }), not ${method}(signal).`,
  );
}
