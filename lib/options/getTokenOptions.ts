import type { CommunicationGetTokenOptions } from "../types.js";
import { rejectUnknownOptions } from "../support/optionNames.js";

const GET_TOKEN_OPTIONS: ReadonlySet<string> = new Set(["abortSignal"]);

// Names other than abortSignal are let through unless they misspell it (`signal`, `abortSignl`):
// callers such as Azure's pipelines may pass options of their own, but a misspelt signal would be
// dropped without a word and the call could no longer be aborted.
function misspeltSignalError(options: CommunicationGetTokenOptions, method: string): TypeError | undefined {
  try {
    rejectUnknownOptions(options, GET_TOKEN_OPTIONS, { caller: `${method}: `, misspellingsOnly: true });
    return undefined;
  } catch (error) {
    return error as TypeError;
  }
}

/**
 * The TypeError for getToken/refresh options that would otherwise be ignored without a word: a
 * signal itself — `getToken(signal)` where `getToken({ abortSignal: signal })` was meant — or a
 * misspelt `abortSignal` (`{ signal }`). Undefined for anything else.
 *
 * @example
 * ```ts
 * const mistake = getTokenOptionsError(options, "getToken");
 * if (mistake !== undefined) return Promise.reject(mistake);
 * ```
 */
export function getTokenOptionsError(options: CommunicationGetTokenOptions, method: string): TypeError | undefined {
  const candidate = options as { aborted?: unknown; addEventListener?: unknown };
  if (typeof candidate.aborted === "boolean" && typeof candidate.addEventListener === "function") {
    if ("abortSignal" in options) return undefined;
    return new TypeError(
      `${method} takes an options object: pass the signal as ${method}({ abortSignal: signal }), not ${method}(signal).`,
    );
  }
  for (const key in options) {
    if (key !== "abortSignal" && Object.hasOwn(options, key)) return misspeltSignalError(options, method);
  }
  return undefined;
}
