import { jwtDecode } from "jwt-decode";
import type { AccessToken } from "../types.js";
import { createAccessToken } from "./accessToken.js";

/**
 * Offsets this small are the noise of the evidence (a `Date` header has one-second resolution, and the
 * request's latency is unknown), not a wrong clock: they count as zero, so that on a good clock a
 * token's `expiresOnTimestamp` is exactly its `exp`.
 */
export const CLOCK_TOLERANCE_MS = 5_000;

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
 * An `iat` in the local future proves the local clock behind by at least that much; an `iat` in the
 * past proves nothing (the token may have been cached), so it never makes a token live longer.
 */
export function estimateClockOffsetMs(token: AccessToken, reportedOffsetMs: number | undefined, now: number): number {
  const issuedAt = issuedAtOf(token.token);
  const behindAtLeast = issuedAt === undefined ? 0 : Math.max(0, issuedAt - now);
  const offset =
    reportedOffsetMs === undefined || !Number.isFinite(reportedOffsetMs)
      ? behindAtLeast
      : Math.max(reportedOffsetMs, behindAtLeast);
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
 * header, measured against the middle of the request (`sentAt` to `receivedAt`, local times). The
 * header counts whole seconds, so its second is taken at its middle. No evidence (undefined) when the
 * header is missing or unreadable, or when an `Age` header says a cache answered with an old `Date`.
 */
export function clockOffsetFromDate(
  headers: { get(name: string): string | null },
  sentAt: number,
  receivedAt: number,
): number | undefined {
  if (headers.get("age") !== null) return undefined;
  const serverTime = Date.parse(headers.get("date") ?? "");
  if (!Number.isFinite(serverTime)) return undefined;
  return serverTime + 500 - (sentAt + receivedAt) / 2;
}
