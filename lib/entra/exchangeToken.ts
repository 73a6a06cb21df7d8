import { TokenExchangeError } from "../errors.js";
import { waitUntil, type Clock } from "../credential/clock.js";
import type { AccessToken } from "../credential/accessToken.js";
import { firstValueUnlessAborted } from "../credential/abortable.js";
import { exchangeRetryDelayMs, isRetriableStatus, MAX_EXCHANGE_RETRIES } from "./exchangeRetry.js";

/** One exchange: where to send the Entra token, and with what. */
export interface ExchangeRequest {
  readonly url: string;
  readonly entraToken: string;
  readonly signal: AbortSignal;
  readonly clock: Clock;
  readonly fetch: (url: string, init: RequestInit) => Promise<Response>;
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

/**
 * Exchanges an Entra ID token for an ACS token: `POST` with the Entra token as bearer and `{}` as
 * body, reading `{ accessToken: { token, expiresOn } }`. 429 and 5xx answers are retried up to three
 * times, waiting what `Retry-After` asks or 1 s doubling; any other error status, or a body without a
 * token, fails with TokenExchangeError carrying the status.
 */
export async function exchangeToken(request: ExchangeRequest): Promise<AccessToken> {
  for (let attempt = 1; ; attempt++) {
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
      const body: unknown = await response.json().catch(() => undefined);
      return readToken(body, response.status);
    }
    if (!isRetriableStatus(response.status) || attempt > MAX_EXCHANGE_RETRIES) {
      const detail = await serviceError(response);
      throw new TokenExchangeError(
        `Service request failed. Status: ${response.status} ${response.statusText}.${detail}`.trim(),
        response.status,
      );
    }
    await response.body?.cancel();
    const delayMs = exchangeRetryDelayMs(response.headers.get("retry-after"), attempt, request.clock.now());
    await firstValueUnlessAborted(waitUntil(request.clock, request.clock.now() + delayMs), request.signal);
  }
}
