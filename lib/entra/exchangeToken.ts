import { TokenExchangeError } from "../errors.js";
import type { Clock } from "../time/clock.js";
import type { AccessToken } from "../types.js";
import type { ServerClockReport } from "../token/accessToken.js";
import { clockOffsetFromDate } from "../token/issuerClock.js";
import { UNHEARD_PROGRESS, type RefreshProgress } from "../options/tokenRefresher.js";
import { discardBody, isRedirectAnswer } from "../support/redirectAnswer.js";
import { retryAfterMs } from "../support/retryAfter.js";
import { withRetries } from "../support/retryLoop.js";
import type { AttemptResult } from "../support/retryPlan.js";
import { exchangeRetryPlan, isRetriableStatus } from "./exchangeRetry.js";

/** One exchange: where to send the Entra token, with what, and within which refresh. */
export interface ExchangeRequest {
  readonly url: string;
  readonly entraToken: string;
  readonly signal: AbortSignal;
  /** The clock the answer's Date is measured against (C25). */
  readonly clock: Clock;
  readonly fetch: (url: string, init: RequestInit) => Promise<Response>;
  /** The jitter's random source, [0, 1); default Math.random. Tests inject one. */
  readonly random?: (() => number) | undefined;
  /**
   * The refresh this exchange runs in: told of each wait between attempts, so that the credential
   * does not hedge during it (C29); its `remainingMs()` bounds the waits (one that would end by then
   * is not started: the answer's error is reported instead); its `scheduler` times them; its
   * `retryTurn()` lets each retry go (C30). Default: none of that.
   */
  readonly progress?: RefreshProgress | undefined;
}

type ExchangedToken = AccessToken & ServerClockReport;

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

/** The error for a failed answer, with the wait its Retry-After asked for, if any. */
async function exchangeFailure(response: Response, askedMs: number | undefined): Promise<TokenExchangeError> {
  const detail = await serviceError(response); // reads the body, which frees the connection too
  const wait = askedMs === undefined ? "" : ` Retry-After asks for ${askedMs} ms.`;
  return new TokenExchangeError(
    `Service request failed. Status: ${response.status} ${response.statusText}.${wait}${detail}`.trim(),
    response.status,
    askedMs,
  );
}

/**
 * A redirect is not an answer of the exchange: it is asked for with `redirect: "manual"`, and a 3xx
 * (a browser's opaque redirect, status 0), or an answer a fetch reached by following one anyway, is a
 * TokenExchangeError with its status, never naming where it led (the Location may hold anything).
 * Without this, a redirect to another origin would have the credential take that server's answer
 * as its ACS token.
 */
function refuseRedirect(response: Response): void {
  const notFollowed = isRedirectAnswer(response);
  if (!notFollowed && response.redirected !== true) return;
  discardBody(response);
  const answered = notFollowed
    ? `answered ${response.status}, a redirect, which the exchange does not follow`
    : "was answered from where a redirect led, which the exchange does not follow (the fetch followed it though asked not to)";
  throw new TokenExchangeError(
    `The token exchange ${answered}. Give the ACS resource endpoint itself as resourceEndpoint.`,
    response.status,
  );
}

/** One exchange request: the token with the service's clock offset (C25), or a failure worth another. */
async function exchangeOnce(request: ExchangeRequest): Promise<AttemptResult<ExchangedToken>> {
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
    redirect: "manual",
  });
  refuseRedirect(response);
  if (response.ok) {
    const clockOffsetMs = clockOffsetFromDate(response.headers, sentAt, request.clock.now());
    const body: unknown = await response.json().catch(() => undefined);
    return { value: { ...readToken(body, response.status), clockOffsetMs } };
  }
  if (!isRetriableStatus(response.status)) throw await exchangeFailure(response, undefined);
  const askedMs = retryAfterMs(response.headers, request.clock.now());
  return { failure: await exchangeFailure(response, askedMs), retryAfterMs: askedMs };
}

/**
 * Exchanges an Entra ID token for an ACS token: `POST` with the Entra token as bearer and `{}` as
 * body, reading `{ accessToken: { token, expiresOn } }`. 429 and 5xx answers are retried up to three
 * times (support/retryLoop.ts), waiting what `Retry-After` asks or a jittered 1 s doubling, but only
 * when that wait ends before `progress.remainingMs()`: waiting past the refresh's deadline would only
 * turn the service's answer into a RefreshTimeoutError. Any other failure, or a body without a token,
 * is a TokenExchangeError carrying the status (and, for a retriable answer with `Retry-After`, the
 * asked wait as `retryAfterMs`). Once `signal` is aborted, no further request is sent: the exchange
 * rejects with the signal's reason. The token carries the service's clock offset from the answer's
 * `Date` header (C25), when it has one. Redirects are not followed (`redirect: "manual"`): a 3xx, or
 * an answer a fetch reached by following one anyway, is a TokenExchangeError with its status, not retried.
 */
export function exchangeToken(request: ExchangeRequest): Promise<ExchangedToken> {
  const plan = exchangeRetryPlan(request.random ?? (() => Math.random()));
  return withRetries(() => exchangeOnce(request), plan, request.signal, request.progress ?? UNHEARD_PROGRESS);
}
