import { TokenExchangeError } from "../errors.js";
import { waitUntil, type Clock } from "../time/clock.js";
import type { AccessToken } from "../types.js";
import type { ServerClockReport } from "../token/accessToken.js";
import { clockOffsetFromDate } from "../token/issuerClock.js";
import type { RefreshProgress } from "../options/tokenRefresher.js";
import { firstValueUnlessAborted } from "../support/abortable.js";
import { exchangeBackoffMs, isRetriableStatus, MAX_EXCHANGE_RETRIES, retryAfterMs } from "./exchangeRetry.js";

/** One exchange: where to send the Entra token, with what, and until when. */
export interface ExchangeRequest {
  readonly url: string;
  readonly entraToken: string;
  readonly signal: AbortSignal;
  readonly clock: Clock;
  /**
   * When, on `clock`, the credential gives up on this refresh (`refreshTimeoutMs` after it started).
   * A retry whose wait would end by then is not attempted: the answer's error is reported instead.
   */
  readonly deadline: number;
  readonly fetch: (url: string, init: RequestInit) => Promise<Response>;
  /** The jitter's random source, [0, 1); default Math.random. Tests inject one. */
  readonly random?: (() => number) | undefined;
  /** Told of each wait between attempts, so that the credential does not hedge during it (C29). */
  readonly progress?: RefreshProgress | undefined;
}

/** What the service's error body says, without anything else it may hold. */
async function serviceError(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { error?: { code?: unknown; message?: unknown } | string };
    const error = typeof body.error === "string" ? { code: body.error } : body.error;
    const parts = [error?.code, error?.message].filter((part): part is string => typeof part === "string");
    return parts.length === 0 ? "" : ` ${parts.join(": ").slice(0, 300)}`;
  } catch {
    return "";
  }
}

function readToken(body: unknown, status: number): AccessToken {
  const accessToken = (body as { accessToken?: { token?: unknown; expiresOn?: unknown } } | null)?.accessToken;
  const expiresOnTimestamp =
    typeof accessToken?.expiresOn === "string" ? Date.parse(accessToken.expiresOn) : Number.NaN;
  if (typeof accessToken?.token !== "string" || accessToken.token === "" || !Number.isFinite(expiresOnTimestamp)) {
    throw new TokenExchangeError(
      "The token exchange answered without { accessToken: { token, expiresOn } } in its body.",
      status,
    );
  }
  return { token: accessToken.token, expiresOnTimestamp };
}

/** The error for a failed answer; `note` says why it was not retried when that is not obvious. */
async function exchangeFailure(response: Response, askedMs: number | undefined, note = ""): Promise<Error> {
  const detail = await serviceError(response);
  return new TokenExchangeError(
    `Service request failed. Status: ${response.status} ${response.statusText}.${note}${detail}`.trim(),
    response.status,
    askedMs,
  );
}

/**
 * Exchanges an Entra ID token for an ACS token: `POST` with the Entra token as bearer and `{}` as
 * body, reading `{ accessToken: { token, expiresOn } }`. 429 and 5xx answers are retried up to three
 * times, waiting what `Retry-After` asks or a jittered 1 s doubling, but only when that wait ends
 * before the deadline: waiting past it would only turn the service's answer into a RefreshTimeoutError.
 * Any other failure, or a body without a token, is a TokenExchangeError carrying the status (and, for
 * a retriable answer with `Retry-After`, the asked wait as `retryAfterMs`). Once `signal` is aborted,
 * no further request is sent: the exchange rejects with the signal's reason. The token carries the
 * service's clock offset from the answer's `Date` header (C25), when it has one.
 */
export async function exchangeToken(request: ExchangeRequest): Promise<AccessToken & ServerClockReport> {
  const random = request.random ?? (() => Math.random());
  for (let attempt = 1; ; attempt++) {
    // Checked before each attempt, not left to `fetch`: a custom fetch may ignore the signal, and a
    // cancelled refresh must not post the Entra token.
    request.signal.throwIfAborted();
    const sentAt = request.clock.now();
    const response = await request.fetch(request.url, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${request.entraToken}`,
        "Content-Type": "application/json",
        Accept: "application/json",
      },
      body: "{}",
      signal: request.signal,
    });
    if (response.ok) {
      const clockOffsetMs = clockOffsetFromDate(response.headers, sentAt, request.clock.now());
      const body: unknown = await response.json().catch(() => undefined);
      return { ...readToken(body, response.status), clockOffsetMs };
    }
    if (!isRetriableStatus(response.status)) throw await exchangeFailure(response, undefined);
    const now = request.clock.now();
    const askedMs = retryAfterMs(response.headers.get("retry-after"), now);
    if (attempt > MAX_EXCHANGE_RETRIES) throw await exchangeFailure(response, askedMs);
    const delayMs = askedMs ?? exchangeBackoffMs(attempt, random);
    if (now + delayMs >= request.deadline) {
      const wait =
        askedMs === undefined ? `the next retry is due in ${delayMs} ms` : `Retry-After asks for ${askedMs} ms`;
      throw await exchangeFailure(
        response,
        askedMs,
        ` Not retried: ${wait}, past the refresh's deadline (refreshTimeoutMs).`,
      );
    }
    await response.body?.cancel();
    if (!request.signal.aborted) request.progress?.backingOff(delayMs);
    await firstValueUnlessAborted(waitUntil(request.clock, now + delayMs), request.signal);
  }
}
