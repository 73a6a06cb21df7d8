import {
  BehaviorSubject,
  firstValueFrom,
  defer,
  filter,
  finalize,
  Observable,
  race,
  share,
  Subject,
  takeWhile,
  tap,
  type Subscription,
} from "rxjs";
import { CredentialDisposedError, TokenExpiredError } from "../errors.js";
import type { AbortSignalLike, CommunicationGetTokenOptions } from "../types.js";
import { abortReason, firstValueUnlessAborted } from "./abortable.js";
import type { AccessToken } from "../types.js";
import { secondsExpiryHint } from "./accessToken.js";
import type { Clock } from "./clock.js";
import { asError, createState, isSameState, withLiveTokens, type CredentialState } from "./credentialState.js";
import { fetchToken } from "./fetchToken.js";
import { keepFresh } from "./keepFresh.js";
import type { ResolvedRefreshOptions } from "./options.js";
import { freshForCallersUntil, isUnexpired } from "./refreshPolicy.js";
import { browserWakeUps } from "./wakeUps.js";

/**
 * The refresh engine behind CommunicationTokenCredential: holds the current token, runs the one
 * shared fetch, keeps the token fresh while there is proactive demand, and publishes the state.
 * Without refresh options it holds a static token.
 */
export class TokenKeeper {
  readonly #clock: Clock;
  readonly #current: BehaviorSubject<AccessToken | undefined>;
  readonly #states: BehaviorSubject<CredentialState>;
  readonly #disposal = new Subject<never>();
  readonly #refresh: ResolvedRefreshOptions | undefined;
  // The pipelines are built on first use: a credential nobody subscribes to stays small.
  #sharedFetch: Observable<AccessToken> | undefined;
  #keepFresh: Observable<never> | undefined;
  #token$: Observable<AccessToken> | undefined;
  #state$: Observable<CredentialState> | undefined;
  #ownDemand: Subscription | undefined;
  #inFlight = false;
  // `cause` is what failed, as thrown; `error` its Error form for state$, made once per failure so
  // that re-publishing the same failure is recognised as the same state.
  #failure: { cause: unknown; error: Error; retryAt?: number | undefined } | undefined;
  #refreshAt: number | undefined;
  #disposed = false;
  // When the current token enters the on-demand window: fixed when the token arrives (C3).
  #freshUntil: number;
  #joined: Promise<AccessToken> | undefined;

  constructor(initialToken: AccessToken | undefined, clock: Clock, refresh?: ResolvedRefreshOptions) {
    this.#clock = clock;
    this.#current = new BehaviorSubject(initialToken);
    this.#freshUntil = initialToken === undefined ? 0 : freshForCallersUntil(initialToken, undefined);
    this.#states = new BehaviorSubject(this.#currentState());
    this.#refresh = refresh;
    if (refresh?.refreshProactively === true) this.#ownDemand = this.#keepFreshLoop()?.subscribe();
  }

  get state$(): Observable<CredentialState> {
    // Inclusive takeWhile: a subscriber, early or late, sees `disposed` and then completion (C17).
    return (this.#state$ ??= withLiveTokens(
      this.#states.pipe(takeWhile((state) => state.status !== "disposed", true)),
      this.#clock,
    ));
  }

  get token$(): Observable<AccessToken> {
    return (this.#token$ ??= new Observable<AccessToken>((subscriber) => {
      const now = () => this.#clock.now();
      const tokens = this.#current.pipe(
        filter((token): token is AccessToken => token !== undefined && isUnexpired(token, now())),
      );
      const subscription = tokens.subscribe(subscriber);
      const keepFresh = this.#keepFreshLoop();
      if (!subscriber.closed && keepFresh !== undefined) subscription.add(keepFresh.subscribe());
      return subscription;
    }));
  }

  /** The current status, for inspection without subscribing. */
  get status(): CredentialState["status"] {
    return this.#states.value.status;
  }

  getToken(options?: CommunicationGetTokenOptions): Promise<AccessToken> {
    const rejection = this.earlyRejection(options);
    if (rejection !== undefined) return rejection;
    const token = this.#current.value;
    const now = this.#clock.now();
    if (token !== undefined && now < this.#freshUntil) return Promise.resolve(token);
    const sharedFetch = this.#fetch();
    if (sharedFetch === undefined) return this.#staticToken(token, now);
    if (token !== undefined && this.#inFlight && isUnexpired(token, now)) return Promise.resolve(token);
    return this.#join(sharedFetch, options?.abortSignal);
  }

  refresh(options?: CommunicationGetTokenOptions): Promise<AccessToken> {
    const rejection = this.earlyRejection(options);
    if (rejection !== undefined) return rejection;
    const sharedFetch = this.#fetch();
    if (sharedFetch === undefined) return this.#staticToken(this.#current.value, this.#clock.now());
    return this.#join(sharedFetch, options?.abortSignal);
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#ownDemand?.unsubscribe();
    this.#current.complete();
    this.#disposal.error(new CredentialDisposedError());
    this.#publish();
  }

  /** The rejection a call gets before any work when the credential is disposed or its signal aborted. */
  earlyRejection(options: CommunicationGetTokenOptions | undefined): Promise<never> | undefined {
    if (this.#disposed) return Promise.reject(new CredentialDisposedError());
    const signal = options?.abortSignal;
    return signal?.aborted === true ? Promise.reject(abortReason(signal)) : undefined;
  }

  #staticToken(token: AccessToken | undefined, now: number): Promise<AccessToken> {
    if (token !== undefined && isUnexpired(token, now)) return Promise.resolve(token);
    if (token === undefined) {
      return Promise.reject(
        new TokenExpiredError("The credential holds no token and has no tokenRefresher.", Number.NaN),
      );
    }
    const expiredAt = token.expiresOnTimestamp;
    const message =
      `The static token expired at ${new Date(expiredAt).toISOString()}.${secondsExpiryHint(expiredAt, now)} ` +
      "A static token cannot be renewed: pass a tokenRefresher to renew tokens.";
    return Promise.reject(new TokenExpiredError(message, expiredAt));
  }

  #validToken(): AccessToken | undefined {
    const token = this.#current.value;
    return token !== undefined && isUnexpired(token, this.#clock.now()) ? token : undefined;
  }

  #currentState(): CredentialState {
    if (this.#disposed) return createState({ status: "disposed" });
    const token = this.#validToken();
    if (this.#inFlight) return createState({ status: "refreshing", token });
    if (this.#failure !== undefined) {
      const { error, retryAt } = this.#failure;
      return createState({ status: "failed", token, error, retryAt });
    }
    if (token !== undefined) return createState({ status: "ready", token, refreshAt: this.#refreshAt });
    return createState({ status: "idle" });
  }

  #recordFailure(cause: unknown, retryAt?: number): void {
    const previous = this.#failure;
    const error = previous !== undefined && previous.cause === cause ? previous.error : asError(cause);
    this.#failure = { cause, error, retryAt };
  }

  #publish(): void {
    const state = this.#currentState();
    if (!isSameState(state, this.#states.value)) this.#states.next(state);
  }

  // Callers without an abort signal cannot leave early, so they all wait on one subscription: ten
  // thousand concurrent callers cost one promise, not ten thousand subscriptions. The fetch's
  // finalize forgets it, so the next call after a failure starts afresh (C6).
  #join(sharedFetch: Observable<AccessToken>, signal: AbortSignalLike | undefined): Promise<AccessToken> {
    if (signal !== undefined) return firstValueUnlessAborted(sharedFetch, signal);
    if (this.#joined !== undefined) return this.#joined;
    const joined = firstValueFrom(sharedFetch);
    if (this.#inFlight) this.#joined = joined; // a refresher that answered synchronously has already settled
    return joined;
  }

  /** The shared fetch; undefined for a static credential. */
  #fetch(): Observable<AccessToken> | undefined {
    if (this.#refresh === undefined) return undefined;
    return (this.#sharedFetch ??= this.#createSharedFetch(this.#refresh));
  }

  /** The proactive refresh loop; undefined for a static credential. */
  #keepFreshLoop(): Observable<never> | undefined {
    const refresh = this.#refresh;
    if (refresh === undefined) return undefined;
    return (this.#keepFresh ??= keepFresh({
      tokens: this.#current,
      // Deferred: the shared fetch is built when the first refresh falls due, not while waiting for it.
      fetch: defer(() => this.#fetch() as Observable<AccessToken>),
      clock: this.#clock,
      retry: refresh.retry,
      wakeUps: browserWakeUps(),
      onSchedule: (refreshAt) => {
        this.#refreshAt = refreshAt;
        this.#publish();
      },
      onRetry: (error, retryAt) => {
        this.#recordFailure(error, retryAt);
        this.#publish();
      },
    }));
  }

  // One refresher call at a time for everybody (C5): the fetch is shared while anyone is subscribed,
  // cancelled when nobody is (C8), and torn down by dispose (C19). Its state changes are published
  // once it has settled, after the retry logic below has had its say.
  #createSharedFetch(options: ResolvedRefreshOptions): Observable<AccessToken> {
    const attempt = defer(() => {
      this.#inFlight = true;
      this.#failure = undefined;
      this.#publish();
      return fetchToken({ ...options, clock: this.#clock });
    });
    return race(this.#disposal, attempt).pipe(
      tap({
        next: (token) => {
          // The proactive loop, if running, reschedules on this token and publishes `ready` with the
          // new refreshAt; the finalize below then finds nothing new to publish.
          this.#inFlight = false;
          this.#freshUntil = freshForCallersUntil(token, this.#clock.now());
          this.#current.next(token);
        },
        error: (error: unknown) => {
          this.#inFlight = false;
          this.#recordFailure(error);
        },
      }),
      finalize(() => {
        this.#inFlight = false;
        this.#joined = undefined;
        this.#publish();
      }),
      share(),
    );
  }
}
