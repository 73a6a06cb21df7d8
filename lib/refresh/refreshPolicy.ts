import type { AccessToken } from "../types.js";
import { isUnexpired } from "../token/validity.js";
import type { RetryPolicy } from "../options/options.js";
import { jitteredBackoffMs, unitDraw } from "../support/backoff.js";

/** Proactive refresh starts this long before expiry, as in every Azure SDK (C11). */
export const PROACTIVE_REFRESH_LEAD_MS = 10 * 60_000;
/** getToken refreshes a token that expires within this window, as .NET and Python do (C3, C4); shorter for short-lived tokens. */
export const ON_DEMAND_REFRESH_WINDOW_MS = 2 * 60_000;
/** Fractional backoff never schedules refreshes closer together than this (C11). */
export const MIN_REFRESH_INTERVAL_MS = 1_000;

/**
 * How long before its expiry getToken stops handing `token` out as it is (C3): 2 minutes, or, for a
 * token the refresher returned at `receivedAt` with less than 4 minutes to live, half that life, so
 * that short-lived tokens are not refreshed on every call. An initial token's life before it reached
 * us is unknown (`receivedAt` undefined): it gets the 2 minutes, as in the Azure SDKs. Whole
 * milliseconds, so that a credential keeps it as a small integer.
 */
export function onDemandWindowMs(token: AccessToken, receivedAt: number | undefined): number {
  if (receivedAt === undefined) return ON_DEMAND_REFRESH_WINDOW_MS;
  const lifetime = token.expiresOnTimestamp - receivedAt;
  return Math.max(0, Math.min(ON_DEMAND_REFRESH_WINDOW_MS, Math.ceil(lifetime / 2)));
}

/** Proactive refreshes of long-lived tokens are spread over this span before the lead (C11). */
export const PROACTIVE_REFRESH_SPREAD_MS = 10 * 60_000;

/**
 * When a proactive refresh of `token`, received at `now`, is due (C11, C12). A token with more than 10
 * minutes left is refreshed at a moment drawn uniformly (`random()` in [0, 1)) between 20 minutes
 * before its expiry, or now if that is later, and 10 minutes before it: many credentials holding
 * tokens that expire together then spread their refreshes over up to 10 minutes instead of calling
 * the token server in one second, and none refreshes later than the 10 minutes every Azure SDK keeps.
 * A token that arrived inside those 10 minutes is refreshed after half its remaining lifetime, but
 * never sooner than a second; no token or an expired one, at once.
 */
export function proactiveRefreshAt(token: AccessToken | undefined, now: number, random: () => number): number {
  if (token === undefined || !isUnexpired(token, now)) return now;
  const remaining = token.expiresOnTimestamp - now;
  // Whole milliseconds: due times show on state$ (refreshAt, retryAt), where fractions only puzzle.
  if (remaining <= PROACTIVE_REFRESH_LEAD_MS) return now + Math.max(MIN_REFRESH_INTERVAL_MS, Math.floor(remaining / 2));
  const latest = token.expiresOnTimestamp - PROACTIVE_REFRESH_LEAD_MS;
  // Not sooner than a second from now either: a refresher handing out 11-minute tokens gets no loop.
  const earliest = Math.min(latest, Math.max(now + MIN_REFRESH_INTERVAL_MS, latest - PROACTIVE_REFRESH_SPREAD_MS));
  return Math.floor(earliest + unitDraw(random) * (latest - earliest));
}

/**
 * The longest wait a refresher error's `retryAfterMs` can impose on the background retry (C13, C32): a
 * proxy's broken `Retry-After` must not stop a credential from refreshing for years.
 */
export const MAX_RETRY_AFTER_MS = 60 * 60_000;

/**
 * The wait a refresher error asks for (C13): its numeric `retryAfterMs` (a 429 or 503 answer), at most
 * an hour, else 0.
 */
export function retryAfterMsOf(error: unknown): number {
  const retryAfterMs = (error as { retryAfterMs?: unknown } | null | undefined)?.retryAfterMs;
  const asked =
    typeof retryAfterMs === "number" && Number.isFinite(retryAfterMs) && retryAfterMs > 0 ? retryAfterMs : 0;
  return Math.min(asked, MAX_RETRY_AFTER_MS);
}

/**
 * The wait before background retry number `attempt` (1-based) (C13): `initialDelayMs` doubling up to
 * `maxDelayMs`. With jitter the wait is drawn uniformly between `initialDelayMs` and that cap, so many
 * credentials failing together spread out, yet no credential retries more often than once per
 * `initialDelayMs`.
 */
export function retryDelayMs(attempt: number, policy: RetryPolicy, random: () => number): number {
  const { initialDelayMs, maxDelayMs, jitter } = policy;
  // Without jitter, the draw that gives the cap itself.
  return jitteredBackoffMs({
    attempt,
    initialDelayMs,
    maxDelayMs,
    floor: "initialDelay",
    random: jitter ? random : () => 1,
  });
}
