import { last, Observable, ReplaySubject, share } from "rxjs";
import type { AccessToken } from "../types.js";
import type { AbortSignalLike } from "../types.js";
import { abortableCall, firstValueUnlessAborted } from "../support/abortable.js";
import type { TokenCredentialLike } from "../types.js";

/** A token credential that may also renew on demand, as CommunicationTokenCredential's `refresh()` does. */
export type RenewableCredential = TokenCredentialLike & {
  refresh?: (options?: { abortSignal?: AbortSignalLike | undefined }) => Promise<AccessToken>;
};

/** One call to the credential, with a signal of its own that aborts when its subscriber leaves early. */
function renewalCall(credential: RenewableCredential): Observable<AccessToken> {
  return abortableCall((abortSignal) => credential.refresh?.({ abortSignal }) ?? credential.getToken({ abortSignal }));
}

/**
 * The renewal shared by every request rejected with one token. `share` counts the callers waiting:
 * - a success is replayed to all of them and to later ones (`resetOnComplete: false`), so one token
 *   is renewed once (createRejectedTokenRenewal drops a "success" that is the rejected token itself);
 * - a failure is forgotten (`resetOnError`), so a transient error of the token server does not fail
 *   every later 401 of that token without trying again;
 * - when the last waiting caller aborts, the call is unsubscribed (`resetOnRefCountZero`), which
 *   aborts the credential's signal, and a later caller starts afresh instead of inheriting the abort.
 * Callers wait for `last()`, so they leave only after completion, when the success is already kept.
 */
function sharedRenewal(credential: RenewableCredential): Observable<AccessToken> {
  return renewalCall(credential).pipe(
    share({
      connector: () => new ReplaySubject<AccessToken>(1),
      resetOnError: true,
      resetOnComplete: false,
      resetOnRefCountZero: true,
    }),
    last(),
  );
}

/**
 * Renews a token the server rejected (a 401), once for every request that was sent with that token:
 * the first rejection starts the renewal (`refresh()` where the credential has it, else `getToken()`),
 * later rejections of the same token join it or get its result. HTTP interceptors use it to retry
 * once without a storm of refreshes.
 *
 * A failed renewal is not remembered: the next 401 of that token tries again. Neither is one that
 * brought back the rejected token itself (a credential with only `getToken` hands out its cached
 * token until it has a new one): its callers get that token, so they do not retry, and the next 401
 * asks the credential again rather than being handed the rejected token for good. A caller's
 * `abortSignal` ends only that caller's wait (it rejects with the signal's reason); the renewal
 * itself is cancelled, through the signal it hands to the credential, only when every caller waiting
 * for it has aborted, and the next 401 then starts a new one.
 *
 * @example
 * ```ts
 * const renew = createRejectedTokenRenewal(credential);
 * if (response.status === 401) {
 *   const fresh = await renew(usedToken, request.signal);
 *   if (fresh.token !== usedToken.token) response = await send(fresh.token); // retry once
 * }
 * ```
 */
export function createRejectedTokenRenewal(
  credential: RenewableCredential,
): (rejected: AccessToken, abortSignal?: AbortSignalLike) => Promise<AccessToken> {
  // Only the latest rejected token is kept: once a newer one is rejected, the older renewal is history.
  let latest: { rejected: string; renewal: Observable<AccessToken> } | undefined;
  return async (rejected, abortSignal) => {
    if (latest?.rejected !== rejected.token) {
      latest = { rejected: rejected.token, renewal: sharedRenewal(credential) };
    }
    const current = latest;
    const renewed = await firstValueUnlessAborted(current.renewal, abortSignal);
    // Nothing new came back: keeping it would answer every later 401 of this token with the token itself.
    if (renewed.token === rejected.token && latest === current) latest = undefined;
    return renewed;
  };
}
