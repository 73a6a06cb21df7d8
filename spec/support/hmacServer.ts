import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { startLoopbackServer, type Answer, type LoopbackServer, type ReceivedRequest } from "./loopbackServer.js";

/** How far ACS lets `x-ms-date` stray from its own clock, either way. */
export const SIGNATURE_WINDOW_MS = 15 * 60_000;

/** What the server made of a request. */
export type Verdict = "ok" | "content hash differs" | "signature differs" | "date outside the window";

export interface HmacServerOptions {
  /** How far the server's clock runs ahead of the real time, in ms (negative: behind). Default 0. */
  readonly shiftMs?: number;
  /** Headers added to every answer, e.g. `{ age: "30" }` for an answer that looks cached; `date` replaces the clock's. */
  readonly headers?: Record<string, string>;
  /** An answer for the request with this index (0 for the first) instead of the check, e.g. "hang". */
  readonly answerInstead?: (index: number) => Answer | undefined;
}

export interface HmacServer extends LoopbackServer {
  /** The server's clock shift; a test may change it between requests (a clock put right). */
  shiftMs: number;
  /** The verdict on each request checked, in order of arrival. */
  readonly verdicts: readonly Verdict[];
  /** The time on the server's clock, in ms since the epoch. */
  now(): number;
  /** Resolves once `count` requests have arrived, whether or not they were answered. */
  arrived(count: number): Promise<void>;
}

const AUTHORIZATION_PREFIX = "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=";

function sameText(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * ACS's check of an access-key request, written independently of the library with node:crypto: the
 * body's hash, the HMAC-SHA256 over `METHOD\npath+query\nx-ms-date;host;content-hash` with the
 * base64-decoded key, and `x-ms-date` within 15 minutes of `serverNow`.
 */
function verdictOn(request: ReceivedRequest, key: string, serverNow: number): Verdict {
  const contentHash = createHash("sha256").update(request.body).digest("base64");
  if (request.headers["x-ms-content-sha256"] !== contentHash) return "content hash differs";
  const date = String(request.headers["x-ms-date"] ?? "");
  const stringToSign = `${request.method}\n${request.pathAndQuery}\n${date};${request.headers.host};${contentHash}`;
  const expected = createHmac("sha256", Buffer.from(key, "base64")).update(stringToSign).digest("base64");
  const authorization = String(request.headers.authorization ?? "");
  if (!authorization.startsWith(AUTHORIZATION_PREFIX)) return "signature differs";
  if (!sameText(authorization.slice(AUTHORIZATION_PREFIX.length), expected)) return "signature differs";
  const signedAt = Date.parse(date);
  if (!Number.isFinite(signedAt) || Math.abs(serverNow - signedAt) > SIGNATURE_WINDOW_MS) {
    return "date outside the window";
  }
  return "ok";
}

/**
 * A stand-in ACS endpoint on 127.0.0.1 that verifies access-key signatures against its own clock: the
 * real time (read past Jest's fake `Date`, so a test can move the client's clock alone) plus
 * `shiftMs`. Every answer carries that clock in its `Date` header; a request that fails the check gets
 * a 401.
 */
export async function startHmacServer(key: string, options: HmacServerOptions = {}): Promise<HmacServer> {
  const verdicts: Verdict[] = [];
  let waiters: { count: number; resolve: () => void }[] = [];
  let arrivals = 0;
  const clock = { shiftMs: options.shiftMs ?? 0 };
  const now = () => jest.getRealSystemTime() + clock.shiftMs;
  const loopback = await startLoopbackServer((request) => {
    const index = arrivals++;
    for (const waiter of waiters.filter(({ count }) => count <= arrivals)) waiter.resolve();
    waiters = waiters.filter(({ count }) => count > arrivals);
    const instead = options.answerInstead?.(index);
    if (instead !== undefined) return instead;
    const verdict = verdictOn(request, key, now());
    verdicts.push(verdict);
    const headers = { date: new Date(now()).toUTCString(), ...options.headers };
    if (verdict === "ok") return { status: 200, headers, body: { ok: true } };
    return { status: 401, headers, body: { error: { code: "Unauthorized", message: verdict } } };
  });
  return {
    get origin() {
      return loopback.origin;
    },
    get received() {
      return loopback.received;
    },
    get abandoned() {
      return loopback.abandoned;
    },
    close: () => loopback.close(),
    get shiftMs() {
      return clock.shiftMs;
    },
    set shiftMs(value: number) {
      clock.shiftMs = value;
    },
    verdicts,
    now,
    arrived: (count) =>
      count <= arrivals ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ count, resolve })),
  };
}
