import { filter, last, map, materialize, of, race, timeout, type Observable } from "rxjs";
import { CredentialDisposedError } from "../errors.js";
import type { AbortSignalLike, AccessToken, CommunicationGetTokenOptions } from "../types.js";
import { abortableCall, firstValueUnlessAborted } from "../support/abortable.js";
import type { RefreshTuning } from "../options/options.js";
import type { CredentialState } from "./credentialState.js";

/** What a credential whose token source may change (an Entra ID sign-in) lends to the check below. */
export interface SourceCheckedCredential {
  /** The rejection a call gets at once: disposed, or its signal already aborted. */
  rejectionBeforeWork(options: CommunicationGetTokenOptions | undefined): Promise<never> | undefined;
  readonly state$: Observable<CredentialState>;
  /** The refresh in flight, if any, as an Observable of its token. */
  readonly refreshInFlight: Observable<AccessToken> | undefined;
  tokenWithoutSourceCheck(options: CommunicationGetTokenOptions | undefined): Promise<AccessToken>;
  refresh(options: CommunicationGetTokenOptions | undefined): Promise<AccessToken>;
}

// `work$`'s first value, unless the caller's signal aborts or the credential is disposed first (C8,
// C19): a source that never answers must not hold the caller.
function untilLeftOrDisposed<T>(
  work$: Observable<T>,
  signal: AbortSignalLike | undefined,
  credential: SourceCheckedCredential,
): Promise<T> {
  const disposed$ = credential.state$.pipe(
    filter((state) => state.status === "disposed"),
    map((): never => {
      throw new CredentialDisposedError();
    }),
  );
  return firstValueUnlessAborted(race(disposed$, work$), signal);
}

/**
 * getToken for a credential whose source may change (Entra ID): ask the source first, as the Azure
 * SDK does. A disposed credential or an aborted call does not ask — an interactive Entra credential
 * would show a sign-in prompt. The question is bounded by `refreshTimeoutMs` (C32): a source that
 * does not answer by then, or fails, counts as unchanged, so the token held is served. When the
 * source changed, a refresh already in flight was started for the previous user: it is waited out,
 * not joined, and a new one is made.
 *
 * @example
 * ```ts
 * const token = await tokenFromChangingSource(keeper, (signal) => entra.entraTokenChanged(signal), tuning, options);
 * ```
 */
export async function tokenFromChangingSource(
  credential: SourceCheckedCredential,
  sourceChanged: NonNullable<RefreshTuning["sourceChanged"]>,
  { refreshTimeoutMs, clock }: Pick<RefreshTuning, "refreshTimeoutMs" | "clock">,
  options: CommunicationGetTokenOptions | undefined,
): Promise<AccessToken> {
  const early = credential.rejectionBeforeWork(options);
  if (early !== undefined) return early;
  const signal = options?.abortSignal;
  const answer$ = abortableCall((ownSignal) => sourceChanged(ownSignal)).pipe(
    timeout({ first: refreshTimeoutMs, with: () => of(false), scheduler: clock.scheduler }),
  );
  let changed: boolean;
  try {
    changed = await untilLeftOrDisposed(answer$, signal, credential);
  } catch {
    const left = credential.rejectionBeforeWork(options);
    if (left !== undefined) return left;
    changed = false; // the source failed: the token held stays usable, a refresh will report it
  }
  if (!changed) return credential.tokenWithoutSourceCheck(options);
  const previous = credential.refreshInFlight;
  if (previous !== undefined) {
    await untilLeftOrDisposed(previous.pipe(materialize(), last()), signal, credential); // however it ends
  }
  return credential.refresh(options);
}
