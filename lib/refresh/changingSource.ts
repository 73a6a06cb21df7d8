import { filter, finalize, last, map, materialize, of, race, share, timeout, type Observable } from "rxjs";
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
  /** The token held, while it has not expired. */
  readonly validToken: AccessToken | undefined;
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

// The question each credential is asking now, shared by the callers who wait for its answer.
const questionsInFlight = new WeakMap<SourceCheckedCredential, Observable<boolean>>();

function sourceQuestion(
  credential: SourceCheckedCredential,
  sourceChanged: NonNullable<RefreshTuning["sourceChanged"]>,
  { refreshTimeoutMs, clock }: Pick<RefreshTuning, "refreshTimeoutMs" | "clock">,
): Observable<boolean> {
  const question$ = abortableCall((signal) => sourceChanged(signal)).pipe(
    timeout({ first: refreshTimeoutMs, with: () => of(false), scheduler: clock.scheduler }),
    finalize(() => questionsInFlight.delete(credential)),
    // Asked once for everyone waiting, and dropped (its signal aborted) when they have all gone.
    share({ resetOnRefCountZero: true, resetOnComplete: true, resetOnError: true }),
  );
  questionsInFlight.set(credential, question$);
  return question$;
}

/**
 * getToken for a credential whose source may change (Entra ID): ask the source first, as the Azure
 * SDK does. A disposed credential or an aborted call does not ask — an interactive Entra credential
 * would show a sign-in prompt. The question is bounded by `refreshTimeoutMs` (C32): a source that
 * does not answer by then, or fails, counts as unchanged, so the token held is served; and while it
 * is being asked, other callers get the token held at once, if it has not expired, rather than wait
 * for the same answer. When the source changed, a refresh already in flight was started for the
 * previous user: it is waited out, not joined, and a new one is made.
 *
 * @example
 * ```ts
 * const token = await tokenFromChangingSource(keeper, (signal) => entra.entraTokenChanged(signal), tuning, options);
 * ```
 */
export async function tokenFromChangingSource(
  credential: SourceCheckedCredential,
  sourceChanged: NonNullable<RefreshTuning["sourceChanged"]>,
  tuning: Pick<RefreshTuning, "refreshTimeoutMs" | "clock">,
  options: CommunicationGetTokenOptions | undefined,
): Promise<AccessToken> {
  const early = credential.rejectionBeforeWork(options);
  if (early !== undefined) return early;
  let question$ = questionsInFlight.get(credential);
  if (question$ !== undefined) {
    const held = credential.validToken;
    if (held !== undefined) return held;
  }
  question$ ??= sourceQuestion(credential, sourceChanged, tuning);
  const signal = options?.abortSignal;
  let changed: boolean;
  try {
    changed = await untilLeftOrDisposed(question$, signal, credential);
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
