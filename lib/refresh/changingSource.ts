import { lastValueFrom, Observable } from "rxjs";
import { firstOf } from "./firstOf.js";
import type { AbortSignalLike, AccessToken, CommunicationGetTokenOptions } from "../types.js";
import { firstValueUnlessAborted } from "../support/abortable.js";
import type { RefreshTuning } from "../options/options.js";

/** What a credential whose token source may change (an Entra ID sign-in) lends to the check below. */
export interface SourceCheckedCredential {
  /** The rejection a call gets at once: disposed, or its signal already aborted. */
  rejectionBeforeWork(options: CommunicationGetTokenOptions | undefined): Promise<never> | undefined;
  /** Errors with CredentialDisposedError when the credential is disposed. */
  readonly disposal: Observable<never>;
  /** The refresh in flight, if any, as an Observable of its token. */
  readonly refreshInFlight: Observable<AccessToken> | undefined;
  tokenAsUsual(options: CommunicationGetTokenOptions | undefined): Promise<AccessToken>;
  refresh(options: CommunicationGetTokenOptions | undefined): Promise<AccessToken>;
}

// `work`, unless the caller's signal aborts or the credential is disposed first (C8, C19): a source
// that never answers must not hold the caller.
function unlessLeft<T>(
  work: Promise<T>,
  signal: AbortSignalLike | undefined,
  credential: SourceCheckedCredential,
): Promise<T> {
  const answer = new Observable<T>((subscriber) => {
    work.then(
      (value) => {
        subscriber.next(value);
        subscriber.complete();
      },
      (error: unknown) => subscriber.error(error),
    );
  });
  return firstValueUnlessAborted(firstOf(credential.disposal, answer), signal);
}

/**
 * getToken for a credential whose source may change (Entra ID): ask the source first, as the Azure
 * SDK does. A disposed credential or an aborted call does not ask — an interactive Entra credential
 * would show a sign-in prompt. When the source changed, a refresh already in flight was started for
 * the previous user: it is waited out, not joined, and a new one is made.
 */
export async function tokenFromChangingSource(
  credential: SourceCheckedCredential,
  sourceChanged: NonNullable<RefreshTuning["sourceChanged"]>,
  options: CommunicationGetTokenOptions | undefined,
): Promise<AccessToken> {
  const early = credential.rejectionBeforeWork(options);
  if (early !== undefined) return early;
  const signal = options?.abortSignal;
  let changed: boolean;
  try {
    changed = await unlessLeft(sourceChanged(signal), signal, credential);
  } catch {
    const left = credential.rejectionBeforeWork(options);
    if (left !== undefined) return left;
    changed = false; // the source failed: the token held stays usable, a refresh will report it
  }
  if (!changed) return credential.tokenAsUsual(options);
  const previous = credential.refreshInFlight;
  if (previous !== undefined)
    await unlessLeft(
      lastValueFrom(previous).catch(() => undefined),
      signal,
      credential,
    );
  return credential.refresh(options);
}
