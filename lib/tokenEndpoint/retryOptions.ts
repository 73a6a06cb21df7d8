import { MAX_TIMER_MS } from "../time/clock.js";
import { describeOptionValue, rejectUnknownOptions } from "../support/optionNames.js";
import type { RetryPlan } from "../support/retryPlan.js";

// tokenEndpoint's `retry` and `random` options, checked once, when the refresher is made (C29).

/** How tokenEndpoint retries within one refresh, checked and with defaults applied. */
export interface EndpointRetryPolicy extends RetryPlan {
  /**
   * The longest wait for one attempt's answer (its headers) before it is aborted and counts as a
   * network failure; undefined for none (`retry: false`), leaving the refresh's own timeout.
   */
  readonly attemptTimeoutMs: number | undefined;
  /**
   * Whether the request may be sent again after the server may have acted on it (a lost answer, a
   * timeout, a 500, 502 or 504); when false, only failures that show it did not are retried.
   */
  readonly idempotent: boolean;
}

/**
 * The retry defaults, whose keys are also the names `options.retry` takes. Three retries and a 1 s
 * base are Azure's pipeline's defaults: at most 7 s of backoff in all, well inside the credential's
 * 30 s refreshTimeoutMs. The 10 s ceiling is not Azure's 64 s: these waits hold up a caller of
 * getToken, and a server asking for a longer pause is better answered by the credential's background
 * retry, which honours it between refreshes, than by a caller left waiting into refreshTimeoutMs.
 *
 * A 10 s attemptTimeoutMs is far beyond a token endpoint's usual answer and leaves room for a slow
 * one (a cold start), yet two hung attempts and their backoffs (at most 23 s) still leave a third
 * attempt inside refreshTimeoutMs.
 */
export const ENDPOINT_RETRY_DEFAULTS = Object.freeze({
  maxRetries: 3,
  initialDelayMs: 1_000,
  maxDelayMs: 10_000,
  attemptTimeoutMs: 10_000,
});

// `idempotent` has no fixed default: it follows the request's method.
const RETRY_OPTION_NAMES: ReadonlySet<string> = new Set([...Object.keys(ENDPOINT_RETRY_DEFAULTS), "idempotent"]);
// The methods that change nothing on the server (RFC 9110 §9.2.1), so safe to send twice. PUT and
// DELETE are idempotent too, but a token endpoint answering them likely does more than the RFC says.
const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "OPTIONS"]);
// Looked up at each draw, so that a test mocking Math.random later still drives it.
const mathRandom = (): number => Math.random();

function positiveMs(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new TypeError(
      `tokenEndpoint: options.retry.${name} must be a positive number of milliseconds; got ${describeOptionValue(value)}.`,
    );
  }
  return value;
}

// A wait beyond what timers take would fire at once (Node) or wrap (browsers): refused, rather than
// capped, since a wait cut short of a Retry-After would ask the server again before it said to.
function delayMs(value: unknown, name: string, fallback: number): number {
  const ms = positiveMs(value, name, fallback);
  if (ms > MAX_TIMER_MS) {
    throw new TypeError(
      `tokenEndpoint: options.retry.${name} must be at most ${MAX_TIMER_MS} ms (about 24.8 days), the longest ` +
        `wait timers take; got ${describeOptionValue(value)}.`,
    );
  }
  return ms;
}

function resolveIdempotent(value: unknown, method: unknown): boolean {
  if (value === undefined) return IDEMPOTENT_METHODS.has(String(method ?? "GET").toUpperCase());
  if (typeof value !== "boolean") {
    throw new TypeError(
      `tokenEndpoint: options.retry.idempotent must be a boolean; got ${describeOptionValue(value)}.`,
    );
  }
  return value;
}

function retryCount(value: unknown): number {
  if (value === undefined) return ENDPOINT_RETRY_DEFAULTS.maxRetries;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new TypeError(
      `tokenEndpoint: options.retry.maxRetries must be a whole number, 0 or more; got ${describeOptionValue(value)}.`,
    );
  }
  return value;
}

function resolveRandom(random: unknown): () => number {
  if (random === undefined) return mathRandom;
  if (typeof random !== "function") {
    throw new TypeError(
      `tokenEndpoint: options.random must be a function returning a number in [0, 1); got ${describeOptionValue(random)}.`,
    );
  }
  return random as () => number;
}

/**
 * The retry policy of `options.retry` and `options.random`, for requests of `method` (default GET):
 * the defaults for `undefined`; for `false`, one attempt with no time limit of its own (the refresh's
 * timeout applies, as for any refresher). Throws a TypeError naming the option for anything else that
 * is not an object of `maxRetries` (a whole number, 0 or more), `initialDelayMs` and `maxDelayMs`
 * (positive, at most 2^31−1, the latter not below the former), `attemptTimeoutMs` (positive) and
 * `idempotent` (a boolean; default true for GET, HEAD and OPTIONS only), or a `random` that is not a
 * function.
 */
export function resolveEndpointRetry(retry: unknown, random: unknown, method?: unknown): EndpointRetryPolicy {
  const draw = resolveRandom(random);
  // A throttling answer is waited for at least as long as it asks, and never less than the backoff:
  // a busy server answering "Retry-After: 0" to every client at once still gets them spread out.
  const byMethod = { random: draw, idempotent: resolveIdempotent(undefined, method), retryAfter: "atLeast" as const };
  if (retry === false) return { ...ENDPOINT_RETRY_DEFAULTS, ...byMethod, maxRetries: 0, attemptTimeoutMs: undefined };
  if (retry === undefined) return { ...ENDPOINT_RETRY_DEFAULTS, ...byMethod };
  if (typeof retry !== "object" || retry === null || Array.isArray(retry)) {
    throw new TypeError(
      `tokenEndpoint: options.retry must be an object such as { maxRetries: 2 }, or false; got ${describeOptionValue(retry)}.`,
    );
  }
  rejectUnknownOptions(retry, RETRY_OPTION_NAMES, { caller: "tokenEndpoint: ", prefix: "options.retry." });
  const { maxRetries, initialDelayMs, maxDelayMs, attemptTimeoutMs, idempotent } = retry as Record<string, unknown>;
  const initial = delayMs(initialDelayMs, "initialDelayMs", ENDPOINT_RETRY_DEFAULTS.initialDelayMs);
  // A larger initialDelayMs alone raises the default ceiling with it, rather than being refused.
  const ceiling = delayMs(maxDelayMs, "maxDelayMs", Math.max(ENDPOINT_RETRY_DEFAULTS.maxDelayMs, initial));
  if (ceiling < initial) {
    throw new TypeError(
      `tokenEndpoint: options.retry.maxDelayMs (${ceiling}) must not be less than initialDelayMs (${initial}).`,
    );
  }
  return {
    maxRetries: retryCount(maxRetries),
    initialDelayMs: initial,
    maxDelayMs: ceiling,
    attemptTimeoutMs: positiveMs(attemptTimeoutMs, "attemptTimeoutMs", ENDPOINT_RETRY_DEFAULTS.attemptTimeoutMs),
    random: draw,
    retryAfter: "atLeast",
    idempotent: resolveIdempotent(idempotent, method),
  };
}
