import type { AccessToken } from "../credential/accessToken.js";
import type { AbortSignalLike } from "../credential/abortable.js";
import type { TokenCredentialLike } from "./clientArguments.js";

/** A token credential that may also renew on demand, as CommunicationTokenCredential's `refresh()` does. */
export type RenewableCredential = TokenCredentialLike & {
  refresh?: (options?: { abortSignal?: AbortSignalLike | undefined }) => Promise<AccessToken>;
};

/**
 * Renews a token the server rejected (a 401), once for every request that was sent with that token:
 * the first rejection starts the renewal (`refresh()` where the credential has it, else `getToken()`),
 * later rejections of the same token join it. HTTP interceptors use it to retry once without a storm
 * of refreshes.
 *
 * @example
 * ```ts
 * const renew = createRejectedTokenRenewal(credential);
 * if (response.status === 401) {
 *   const fresh = await renew(usedToken);
 *   if (fresh.token !== usedToken.token) response = await send(fresh.token); // retry once
 * }
 * ```
 */
export function createRejectedTokenRenewal(credential: RenewableCredential) {
  let last: { rejected: string; renewal: Promise<AccessToken> } | undefined;
  return (rejected: AccessToken, abortSignal?: AbortSignalLike): Promise<AccessToken> => {
    if (last?.rejected !== rejected.token) {
      const renewal = credential.refresh?.({ abortSignal }) ?? credential.getToken({ abortSignal });
      last = { rejected: rejected.token, renewal };
    }
    return last.renewal;
  };
}
