import { TokenExpiredError } from "../errors.js";
import type { AccessToken } from "../types.js";
import { describeInstant, secondsExpiryHint } from "../token/accessToken.js";
import { isUnexpired } from "../token/validity.js";

/**
 * What getToken gives for a credential without a refresher (C7): its token while valid; after that a
 * TokenExpiredError that says when it expired and what renews tokens.
 */
export function staticToken(token: AccessToken | undefined, now: number): Promise<AccessToken> {
  if (token !== undefined && isUnexpired(token, now)) return Promise.resolve(token);
  if (token === undefined) {
    return Promise.reject(
      new TokenExpiredError("The credential holds no token and has no tokenRefresher.", Number.NaN),
    );
  }
  const expiredAt = token.expiresOnTimestamp;
  const message =
    `The static token expired at ${describeInstant(expiredAt)}.${secondsExpiryHint(expiredAt, now)} ` +
    "A static token cannot be renewed: pass a tokenRefresher to renew tokens.";
  return Promise.reject(new TokenExpiredError(message, expiredAt));
}
