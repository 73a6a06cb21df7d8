import type { SchedulerLike } from "rxjs";
import type { AbortSignalLike } from "../types.js";
import type { TokenRefresher } from "./tokenRefresher.js";
import type { TokenInput } from "../token/accessToken.js";
import { clockFor, resolveScheduler, type Clock } from "../time/clock.js";
import type { RefreshLimiter } from "../limiter/refreshLimiter.js";
import { describeOptionValue, rejectUnknownOptions } from "../support/optionNames.js";
import { snapshotOptions } from "./optionSnapshot.js";

/** The retry policy for background refreshes, with every default filled in. */
export interface RetryPolicy {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly jitter: boolean;
  readonly shouldRetry: (error: unknown, attempt: number) => boolean;
}

/**
 * How background refreshes are retried after a failure (C13).
 *
 * @example
 * ```ts
 * const retry: RetryOptions = {
 *   initialDelayMs: 2_000,
 *   maxDelayMs: 30_000,
 *   shouldRetry: (error) => !(error instanceof MyUserSignedOutError),
 * };
 * ```
 */
export interface RetryOptions {
  /** The wait before the first retry, and the shortest wait between retries. Default 1000. */
  initialDelayMs?: number | undefined;
  /** The longest wait between retries. Default 60 000. */
  maxDelayMs?: number | undefined;
  /** Spread waits randomly between `initialDelayMs` and the doubling cap. Default true. */
  jitter?: boolean | undefined;
  /** Return false to stop retrying; `attempt` counts from 1. Default: always retry. */
  shouldRetry?: ((error: unknown, attempt: number) => boolean) | undefined;
}

/**
 * Options for a credential that renews its token with a `tokenRefresher`.
 *
 * @example
 * ```ts
 * const credential = new CommunicationTokenCredential({
 *   tokenRefresher: (signal) => fetchTokenFromMyServer(signal),
 *   token: tokenFromPageLoad,
 *   refreshProactively: true,
 * });
 * ```
 */
export interface CommunicationTokenRefreshOptions {
  /** Fetches a new token; required. */
  tokenRefresher: TokenRefresher;
  /** The token to start with, if one is at hand (.NET: `InitialToken`). */
  token?: TokenInput | undefined;
  /** Refresh in the background, between 20 and 10 minutes before expiry, for the credential's whole life. Default false. */
  refreshProactively?: boolean | undefined;
  /** The lifetime assumed for a token string with no readable `exp`, in seconds. Default 600. */
  undecodableTokenExpiryIntervalInSeconds?: number | undefined;
  /** A refresh still pending after this many milliseconds is cancelled. Default 30 000. */
  refreshTimeoutMs?: number | undefined;
  /**
   * A refresher call with no answer after this many milliseconds gets one second, hedged call; the
   * first token wins and the other call's signal is aborted (C29), so that one hung request (a dead
   * keep-alive socket) does not hold every caller until `refreshTimeoutMs`. At most two calls per
   * refresh, and still one refresh for all callers; the refresh's deadline is still `refreshTimeoutMs`
   * from its start. It must be less than `refreshTimeoutMs`; when left out and `refreshTimeoutMs` is
   * 3 000 or less, nothing is hedged. Set `false` where a duplicate request does harm: a backend that
   * rotates refresh tokens may revoke the session when it sees one twice. Default 3 000.
   *
   * @example
   * ```ts
   * // The token server answers within 800 ms 95 times in 100: hedge the slowest 5 %.
   * const credential = new CommunicationTokenCredential({ tokenRefresher, hedgeAfterMs: 800 });
   * // A backend that rotates refresh tokens must never see a request twice.
   * const rotating = new CommunicationTokenCredential({ tokenRefresher: viaRefreshToken, hedgeAfterMs: false });
   * ```
   */
  hedgeAfterMs?: number | false | undefined;
  /** How background refreshes are retried after a failure. */
  retry?: RetryOptions | undefined;
  /** The time source and timers; default: `Date.now` and `setTimeout`. Inject a TestScheduler in tests. */
  scheduler?: SchedulerLike | undefined;
  /**
   * Shared by many credentials, it bounds their refresher calls together (C23): made by
   * `createRefreshLimiter({ maxConcurrent, perSecond })`. Default: none.
   */
  refreshLimiter?: RefreshLimiter | undefined;
  /**
   * The random source, a function returning a number in [0, 1), behind the spread of proactive
   * refreshes and the jitter of retries; inject a fixed one to make tests deterministic. Default `Math.random`.
   */
  random?: (() => number) | undefined;
  /**
   * Share tokens with the other tabs of this origin whose credentials use the same name (C26): one
   * tab refreshes for all (elected by a Web Lock) and the token reaches the others over a
   * BroadcastChannel; nothing is written to storage. Include the signed-in user's id in the name, so
   * that two users' tabs never share. Where Web Locks or BroadcastChannel are missing (old browsers,
   * some workers), and in Node even where it has both, each credential refreshes on its own. Default:
   * not shared.
   */
  shareAcrossTabs?: string | undefined;
}

/** The defaults of the refresh options, in one place. */
export const REFRESH_DEFAULTS = {
  refreshProactively: false,
  undecodableTokenExpiryIntervalInSeconds: 600,
  refreshTimeoutMs: 30_000,
  hedgeAfterMs: 3_000,
  retry: { initialDelayMs: 1_000, maxDelayMs: 60_000, jitter: true },
} as const;

/** The lifetime assumed for a token with no readable expiry, when no option says otherwise. */
export const DEFAULT_OPAQUE_TOKEN_LIFETIME_MS = REFRESH_DEFAULTS.undecodableTokenExpiryIntervalInSeconds * 1000;

/** The refresh options with defaults applied and every value checked. */
export interface ResolvedRefreshOptions {
  readonly tokenRefresher: TokenRefresher;
  readonly refreshProactively: boolean;
  readonly opaqueTokenLifetimeMs: number;
  readonly refreshTimeoutMs: number;
  /** Undefined: no hedged second call (C29). */
  readonly hedgeAfterMs: number | undefined;
  readonly retry: RetryPolicy;
  readonly scheduler: SchedulerLike | undefined;
  readonly refreshLimiter: RefreshLimiter | undefined;
  readonly random: () => number;
  readonly shareAcrossTabs: string | undefined;
  /**
   * Asked before each getToken, when given: true when the source of the tokens has changed (another
   * user signed in to Entra ID), so that the token held must be replaced at once.
   */
  readonly sourceChanged?: ((signal: AbortSignalLike | undefined) => Promise<boolean>) | undefined;
}

/** The names of the refresh options, for the eager checks and for suggestions after a typo. */
export const refreshOptionNames = new Set<string>([
  "tokenRefresher",
  "token",
  "refreshProactively",
  "undecodableTokenExpiryIntervalInSeconds",
  "refreshTimeoutMs",
  "hedgeAfterMs",
  "retry",
  "scheduler",
  "refreshLimiter",
  "random",
  "shareAcrossTabs",
]);
const knownRetryOptions = new Set<string>(["initialDelayMs", "maxDelayMs", "jitter", "shouldRetry"]);
// tokenEndpoint's own retry options, easily put on the credential's `retry` by mistake.
const ENDPOINT_RETRY_OPTIONS = new Set(["maxRetries", "attemptTimeoutMs"]);
const alwaysRetry = (): boolean => true;
// Most credentials keep the default retry policy: they share this one object.
const defaultRetryPolicy: RetryPolicy = Object.freeze({ ...REFRESH_DEFAULTS.retry, shouldRetry: alwaysRetry });
// Looked up at each call, so that a test mocking Math.random later still drives it.
const mathRandom = (): number => Math.random();

function positiveNumber(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new TypeError(`${name} must be a positive finite number; got ${describeOptionValue(value)}.`);
  }
  return value;
}

function optionalBoolean(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") throw new TypeError(`${name} must be a boolean; got ${describeOptionValue(value)}.`);
  return value;
}

function resolveRetry(retry: unknown): RetryPolicy {
  if (retry === undefined) return defaultRetryPolicy;
  if (typeof retry !== "object" || retry === null) throw new TypeError("options.retry must be an object.");
  const endpointOption = Object.keys(retry).find((key) => ENDPOINT_RETRY_OPTIONS.has(key));
  if (endpointOption !== undefined) {
    throw new TypeError(
      `options.retry.${endpointOption} is an option of tokenEndpoint(url, { retry }), which retries within one ` +
        "refresh; the credential's retry spaces whole background refreshes (initialDelayMs, maxDelayMs, jitter, " +
        "shouldRetry).",
    );
  }
  rejectUnknownOptions(retry, knownRetryOptions, { prefix: "options.retry." });
  const { initialDelayMs, maxDelayMs, jitter, shouldRetry } = snapshotOptions(retry as RetryOptions, knownRetryOptions);
  const initial = positiveNumber(initialDelayMs, "options.retry.initialDelayMs", REFRESH_DEFAULTS.retry.initialDelayMs);
  const max = positiveNumber(
    maxDelayMs,
    "options.retry.maxDelayMs",
    Math.max(REFRESH_DEFAULTS.retry.maxDelayMs, initial),
  );
  if (max < initial) throw new TypeError("options.retry.maxDelayMs must not be less than initialDelayMs.");
  if (shouldRetry !== undefined && typeof shouldRetry !== "function") {
    throw new TypeError("options.retry.shouldRetry must be a function.");
  }
  return Object.freeze({
    initialDelayMs: initial,
    maxDelayMs: max,
    jitter: optionalBoolean(jitter, "options.retry.jitter", REFRESH_DEFAULTS.retry.jitter),
    shouldRetry: shouldRetry ?? alwaysRetry,
  });
}

function resolveFunction<F>(value: F | undefined, name: string): F | undefined {
  if (value !== undefined && typeof value !== "function") throw new TypeError(`${name} must be a function.`);
  return value;
}

function resolveTabShareName(name: unknown): string | undefined {
  if (name === undefined) return undefined;
  if (typeof name !== "string" || name.trim() === "") {
    throw new TypeError(
      `options.shareAcrossTabs must be a non-empty string naming what the tabs share, such as "acs-" plus the ` +
        `signed-in user's id; got ${describeOptionValue(name)}.`,
    );
  }
  return name;
}

// An explicit hedge past the timeout is a mistake worth a TypeError; the default one simply does not
// apply to a refresh timed out before it, so that setting only refreshTimeoutMs stays valid.
// With a refresh limiter, a hedged call would be a refresher call beyond its budget (C23): the default
// hedge is off, and asking for both is a TypeError.
function resolveHedge(value: unknown, refreshTimeoutMs: number, limited: boolean): number | undefined {
  if (value === false) return undefined;
  if (value === undefined) {
    const fallback = REFRESH_DEFAULTS.hedgeAfterMs;
    return fallback < refreshTimeoutMs && !limited ? fallback : undefined;
  }
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new TypeError(
      `options.hedgeAfterMs must be a positive finite number of milliseconds, or false to turn hedging off; ` +
        `got ${describeOptionValue(value)}.`,
    );
  }
  if (value >= refreshTimeoutMs) {
    throw new TypeError(
      `options.hedgeAfterMs (${value}) must be less than options.refreshTimeoutMs (${refreshTimeoutMs}): ` +
        `a refresh is cancelled before a hedged call could start.`,
    );
  }
  if (limited) {
    throw new TypeError(
      "options.hedgeAfterMs cannot be combined with options.refreshLimiter: a hedged call would be a refresher " +
        "call beyond the limiter's budget. Leave hedgeAfterMs out (hedging is off with a limiter).",
    );
  }
  return value;
}

function resolveLimiter(limiter: unknown): RefreshLimiter | undefined {
  if (limiter === undefined) return undefined;
  const candidate = limiter as Partial<RefreshLimiter> | null;
  if (
    typeof candidate?.schedule !== "function" ||
    typeof candidate.reprioritize !== "function" ||
    typeof candidate.retryTurn !== "function"
  ) {
    throw new TypeError("options.refreshLimiter must be made by createRefreshLimiter({ maxConcurrent, perSecond }).");
  }
  return candidate as RefreshLimiter;
}

/**
 * What a credential keeps of its options once built, besides its refresher. Credentials with the
 * default tuning, most of them, share one object: a service holding thousands of users' credentials
 * pays for it once (C24).
 */
export interface RefreshTuning {
  readonly clock: Clock;
  /** The injected scheduler, if any, handed on to refreshers as `progress.scheduler`. */
  readonly scheduler: SchedulerLike | undefined;
  readonly opaqueTokenLifetimeMs: number;
  readonly refreshTimeoutMs: number;
  readonly hedgeAfterMs: number | undefined;
  readonly retry: RetryPolicy;
  readonly refreshLimiter: RefreshLimiter | undefined;
  readonly random: () => number;
  readonly sourceChanged: ResolvedRefreshOptions["sourceChanged"];
}

let defaultTuning: RefreshTuning | undefined;

/**
 * The tuning of resolved options: the shared default object when nothing differs from it, and for a
 * static credential (no options), which needs only its clock.
 */
export function tuningOf(options: ResolvedRefreshOptions | undefined): RefreshTuning {
  defaultTuning ??= Object.freeze({
    clock: clockFor(undefined),
    scheduler: undefined,
    opaqueTokenLifetimeMs: DEFAULT_OPAQUE_TOKEN_LIFETIME_MS,
    refreshTimeoutMs: REFRESH_DEFAULTS.refreshTimeoutMs,
    hedgeAfterMs: REFRESH_DEFAULTS.hedgeAfterMs,
    retry: defaultRetryPolicy,
    refreshLimiter: undefined,
    random: mathRandom,
    sourceChanged: undefined,
  });
  if (options === undefined) return defaultTuning;
  const { opaqueTokenLifetimeMs, refreshTimeoutMs, hedgeAfterMs, retry, scheduler } = options;
  const { refreshLimiter, random, sourceChanged } = options;
  const clock = clockFor(scheduler);
  const tuning = {
    clock,
    scheduler,
    opaqueTokenLifetimeMs,
    refreshTimeoutMs,
    hedgeAfterMs,
    retry,
    refreshLimiter,
    random,
    sourceChanged,
  };
  const isDefault = (Object.keys(tuning) as (keyof RefreshTuning)[]).every(
    (key) => tuning[key] === defaultTuning?.[key],
  );
  return isDefault ? defaultTuning : tuning;
}

/**
 * Checks every refresh option eagerly (C2), naming the option in a TypeError. Each option is read
 * once, and the result is frozen: changing `options` afterwards changes nothing.
 */
export function resolveRefreshOptions(given: CommunicationTokenRefreshOptions): ResolvedRefreshOptions {
  return resolveWithToken(given).options;
}

/**
 * {@link resolveRefreshOptions}, with the initial `token` as read in the same single pass (the
 * credential checks it against the resolved options).
 */
export function resolveWithToken(given: CommunicationTokenRefreshOptions): {
  options: ResolvedRefreshOptions;
  token: TokenInput | undefined;
} {
  rejectUnknownOptions(given, refreshOptionNames);
  const options = snapshotOptions(given, refreshOptionNames);
  return { options: checked(options), token: options.token };
}

function checked(options: Readonly<CommunicationTokenRefreshOptions>): ResolvedRefreshOptions {
  if (typeof options.tokenRefresher !== "function") {
    const given: unknown = options.tokenRefresher;
    const url = typeof given === "string" || given instanceof URL;
    throw new TypeError(
      "options.tokenRefresher must be a function that returns a token." +
        (url ? ' For a URL, use tokenEndpoint: tokenRefresher: tokenEndpoint("/api/acs-token").' : ""),
    );
  }
  if (options.tokenRefresher.name === "tokenEndpoint") {
    throw new TypeError(
      'options.tokenRefresher is tokenEndpoint itself: call it with your URL, tokenEndpoint("/api/acs-token").',
    );
  }
  const opaqueSeconds = positiveNumber(
    options.undecodableTokenExpiryIntervalInSeconds,
    "options.undecodableTokenExpiryIntervalInSeconds",
    REFRESH_DEFAULTS.undecodableTokenExpiryIntervalInSeconds,
  );
  const { refreshProactively } = REFRESH_DEFAULTS;
  const refreshTimeoutMs = positiveNumber(
    options.refreshTimeoutMs,
    "options.refreshTimeoutMs",
    REFRESH_DEFAULTS.refreshTimeoutMs,
  );
  return Object.freeze({
    tokenRefresher: options.tokenRefresher,
    refreshProactively: optionalBoolean(options.refreshProactively, "options.refreshProactively", refreshProactively),
    opaqueTokenLifetimeMs: opaqueSeconds * 1000,
    refreshTimeoutMs,
    hedgeAfterMs: resolveHedge(options.hedgeAfterMs, refreshTimeoutMs, options.refreshLimiter !== undefined),
    retry: resolveRetry(options.retry),
    scheduler: resolveScheduler(options.scheduler),
    refreshLimiter: resolveLimiter(options.refreshLimiter),
    random: resolveFunction(options.random, "options.random") ?? mathRandom,
    shareAcrossTabs: resolveTabShareName(options.shareAcrossTabs),
  });
}
