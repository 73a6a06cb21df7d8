import { jwtDecode } from "jwt-decode";
import type { AccessToken } from "../types.js";
import { createAccessToken } from "./accessToken.js";
import { serverTimeIn, type HeaderReader } from "../support/serverDate.js";

/**
 * Offsets this small are the noise of the evidence (a `Date` header has one-second resolution, and the
 * request's latency is unknown), not a wrong clock: they count as zero, so that on a good clock a
 * token's `expiresOnTimestamp` is exactly its `exp`.
 */
export const CLOCK_TOLERANCE_MS = 5_000;

/**
 * The largest offset a server's `Date` header or a refresher's `clockOffsetMs` may report (C32): 30
 * days, as for tab messages (C26). Clocks drift by seconds and, on a machine that lost its battery, by
 * days; a larger report is a broken header or a wrong unit, and believing one a year behind would make
 * a token that expired months ago valid for another year. It is ignored, as if nothing were reported.
 */
export const MAX_REPORTED_CLOCK_OFFSET_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * A token as the credential holds it (C25): the AccessToken on this machine's clock, and the offset
 * it was moved by — how far the issuer's clock was ahead of this machine's when the token arrived
 * (negative: behind).
 */
export interface ReceivedToken {
  readonly token: AccessToken;
  readonly clockOffsetMs: number;
}

function issuedAtOf(token: string): number | undefined {
  try {
    const { iat } = jwtDecode<{ iat?: unknown }>(token);
    return typeof iat === "number" && Number.isFinite(iat) ? iat * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The best estimate of the issuer's clock minus this machine's, from what one token brought:
 * `reportedOffsetMs`, measured by the refresher from its answer's `Date` header, and the JWT's `iat`.
 * A token is issued before the issuer's now, so `iat − now` is a lower bound of the offset, whatever
 * its sign: an `iat` in the local future proves the local clock behind. Without a reported offset, an
 * `iat` in the past proves nothing (the token may have been cached), so it never makes the offset
 * negative, which would make a token live longer. A reported offset beyond
 * {@link MAX_REPORTED_CLOCK_OFFSET_MS} either way is ignored (C32). The `iat` bound needs no such cap:
 * it only ever raises the offset, which only shortens a token's life.
 */
export function estimateClockOffsetMs(token: AccessToken, reportedOffsetMs: number | undefined, now: number): number {
  const issuedAt = issuedAtOf(token.token);
  const atLeast = issuedAt === undefined ? Number.NEGATIVE_INFINITY : issuedAt - now;
  const believable =
    reportedOffsetMs !== undefined &&
    Number.isFinite(reportedOffsetMs) &&
    Math.abs(reportedOffsetMs) <= MAX_REPORTED_CLOCK_OFFSET_MS;
  const offset = believable ? Math.max(reportedOffsetMs, atLeast) : Math.max(0, atLeast);
  return Math.abs(offset) < CLOCK_TOLERANCE_MS ? 0 : Math.round(offset);
}

/** The offset a refresher reported with its token (`clockOffsetMs`), if it is a finite number. */
export function reportedClockOffsetMs(value: unknown): number | undefined {
  const offset = (value as { clockOffsetMs?: unknown } | null | undefined)?.clockOffsetMs;
  return typeof offset === "number" && Number.isFinite(offset) ? offset : undefined;
}

/** `token` judged on this machine's clock: its expiry moved by the estimated offset (C25). */
export function receivedToken(token: AccessToken, reportedOffsetMs: number | undefined, now: number): ReceivedToken {
  const clockOffsetMs = estimateClockOffsetMs(token, reportedOffsetMs, now);
  if (clockOffsetMs === 0) return { token, clockOffsetMs };
  return { token: createAccessToken(token.token, token.expiresOnTimestamp - clockOffsetMs), clockOffsetMs };
}

/**
 * How far the clock of the server that answered is ahead of this machine's, from the answer's `Date`
 * header (see serverTimeIn), measured against the middle of the request (`sentAt` to `receivedAt`,
 * local times). The header counts whole seconds, so its second is taken at its middle.
 */
export function clockOffsetFromDate(headers: HeaderReader, sentAt: number, receivedAt: number): number | undefined {
  const serverTime = serverTimeIn(headers);
  return serverTime === undefined ? undefined : serverTime + 500 - (sentAt + receivedAt) / 2;
}

function duration(ms: number): string {
  const minutes = Math.round(Math.abs(ms) / 60_000);
  return minutes < 120 ? `${minutes} min` : `${Math.round(minutes / 60)} h`;
}

/**
 * A hint for a token that arrived expired, when a clock is the likely cause: the expiry was moved by
 * an offset (so a wrong clock on the token server would explain it), or it expired long ago (so this
 * machine's clock may be ahead). Empty otherwise.
 */
export function clockExpiryHint(expiresAsGiven: number, clockOffsetMs: number, now: number): string {
  if (clockOffsetMs !== 0) {
    const side = clockOffsetMs > 0 ? "ahead of" : "behind";
    return (
      ` It was judged on the token server's clock, which its Date header or the token's iat puts ` +
      `${duration(clockOffsetMs)} ${side} this machine's: if that server's clock is wrong, set it right.`
    );
  }
  return now - expiresAsGiven > 3_600_000
    ? ` It expired ${duration(now - expiresAsGiven)} before it arrived: is this machine's clock ahead?`
    : "";
}
