import { BehaviorSubject, Observable } from "../support/rxjsClasses.js";
import { CredentialDisposedError } from "../errors.js";
import type { AccessToken, CommunicationGetTokenOptions } from "../types.js";
import { abortReason } from "../support/abortReason.js";
import type { ReceivedToken } from "../token/issuerClock.js";
import { isUnexpired } from "../token/validity.js";
import { dueQueueFor, type ScheduledTask } from "../time/schedule.js";
import { tuningOf, type RefreshTuning, type ResolvedRefreshOptions } from "../options/options.js";
import type { TokenRefresher } from "../options/tokenRefresher.js";
import type { SourceCheckedCredential } from "./changingSource.js";
import { asError, createState, isSameState, type CredentialState } from "./credentialState.js";
import {
  loadedRefreshPipeline,
  prefetchRefreshPipeline,
  refreshPipelineWithin,
  type RefreshPipeline,
} from "./pipelineLoader.js";
import { onDemandWindowMs, proactiveRefreshAt, retryAfterMsOf, retryDelayMs } from "./refreshPolicy.js";
import type { RefreshRun } from "./refreshRun.js";
import { staticToken } from "./staticToken.js";
import type { JoinTokenSharing, TokenSharing } from "./tokenSharing.js";
import { wantsRetry } from "./wantsRetry.js";

// While a state is being emitted, a subscriber may cause the next one: it is emitted after, in order.
const IDLE = 0;
const EMITTING = 1;
const EMITTING_AND_STALE = 2;

/** The last refresh's failure, and when its background retry is due. */
interface Failure {
  readonly cause: unknown;
  readonly error: Error;
  readonly retryAt: number | undefined;
}

/**
 * A change to what a credential holds. Fields left out stay as they are; a field given as undefined
 * is cleared.
 */
interface Change {
  /** A new token, fetched here or taken from a peer. */
  readonly received?: ReceivedToken;
  readonly run?: RefreshRun | undefined;
  readonly failure?: Failure | undefined;
  readonly nextRefreshAt?: number | undefined;
  /** Background refreshes failed in a row, for the backoff (C13). */
  readonly attempt?: number;
  /** `token$` subscribers (C15). */
  readonly watchers?: number;
  readonly proactive?: true;
  readonly disposed?: true;
}

const NO_CHANGE: Change = Object.freeze({});

/**
 * The refresh engine behind CommunicationTokenCredential (C3–C19, C23, C24, C31): holds the current
 * token, runs the one shared refresh, keeps the token fresh while there is proactive demand, and
 * shows its state. Without refresh options it holds a static token.
 *
 * Why it is shaped this way: a Node service may hold a credential per user, tens of thousands of
 * them, nearly all waiting hours for their next refresh. A waiting credential is therefore plain
 * fields, its state subject, and one entry in the process-wide schedule of due times
 * (time/schedule.ts); a refresh is an rxjs pipeline (refreshRun.ts, hedge.ts, callRefresher.ts) that
 * exists only while it runs. Every change to what the credential holds goes through `#change`, which
 * derives the state, publishes it and updates the schedule: nothing else does either.
 *
 * @example
 * ```ts
 * const keeper = new TokenKeeper(undefined, resolveRefreshOptions({ tokenRefresher }));
 * const { token } = await keeper.getToken();
 * ```
 */
export class TokenKeeper implements ScheduledTask, SourceCheckedCredential {
  /** When this credential next needs the schedule: a refresh, a retry, or its token's expiry. */
  dueAt = 0;
  heapIndex = -1;

  readonly #refresher: TokenRefresher | undefined;
  readonly #tuning: RefreshTuning;
  readonly #states = new BehaviorSubject<CredentialState>(createState({ status: "idle" }));
  #token: AccessToken | undefined;
  // The issuer's clock minus this machine's, as the last token showed it (C25); #token is already moved by it.
  #clockOffsetMs = 0;
  // getToken hands #token out as it is until this long before its expiry (C3); a small integer,
  // where a due time would cost a boxed number per credential.
  #windowMs = 0;
  #resolvedToken: Promise<AccessToken> | undefined;
  #run: RefreshRun | undefined;
  #failure: Failure | undefined;
  #nextRefreshAt: number | undefined;
  #proactive = false;
  #watchers = 0;
  #attempt = 0;
  #emission = IDLE;
  #disposed = false;
  // The group this credential shares tokens with (C26), where there is one.
  readonly #sharing: TokenSharing | undefined;

  /** A static credential without `options`; a refreshing one with them. */
  constructor(initial: ReceivedToken | undefined, options?: ResolvedRefreshOptions, joinSharing?: JoinTokenSharing) {
    this.#refresher = options?.tokenRefresher;
    this.#tuning = tuningOf(options);
    if (initial !== undefined) {
      this.#token = initial.token;
      this.#clockOffsetMs = initial.clockOffsetMs;
      this.#windowMs = onDemandWindowMs(initial.token, undefined);
    }
    this.#sharing = joinSharing?.(
      {
        current: () => this.#validToken(),
        peerToken: (received) => this.#adopt(received),
        random: this.#tuning.random,
      },
      this.#tuning.clock,
    );
    if (options !== undefined) prefetchRefreshPipeline(); // there by the first refresh, usually
    if (options?.refreshProactively === true) this.#change({ proactive: true });
  }

  // Nobody may be watching: the state is then worked out when somebody looks (C24), not at every step.
  get state$(): Observable<CredentialState> {
    return new Observable<CredentialState>((subscriber) => {
      this.#change(NO_CHANGE, true); // the state may be stale: unpublished, or its token since expired
      const subscription = this.#states.subscribe((state) => {
        subscriber.next(state);
        if (state.status === "disposed") subscriber.complete();
      });
      this.#change(NO_CHANGE); // someone watches now: the expiry of the token in the state must show (C17)
      return () => {
        subscription.unsubscribe();
        this.#change(NO_CHANGE); // and when nobody does, that wake-up goes, and the schedule lets go of us
      };
    });
  }

  get token$(): Observable<AccessToken> {
    return new Observable<AccessToken>((subscriber) => {
      let last: AccessToken | undefined;
      const subscription = this.state$.subscribe({
        next: (state) => {
          const token = "token" in state ? state.token : undefined;
          if (token !== undefined && token !== last) subscriber.next((last = token));
        },
        complete: () => subscriber.complete(),
      });
      if (subscriber.closed) return subscription;
      // C15: subscribers keep the token fresh, and get one if there is none (C16).
      this.#change({ watchers: this.#watchers + 1 });
      return () => {
        subscription.unsubscribe();
        this.#change({ watchers: this.#watchers - 1 });
      };
    });
  }

  /** The current status, for inspection without subscribing. */
  get status(): CredentialState["status"] {
    this.#change(NO_CHANGE, true);
    return this.#states.value.status;
  }

  /** For `tokenFromChangingSource`: the token held, while it has not expired. */
  get validToken(): AccessToken | undefined {
    return this.#validToken()?.token;
  }

  /** For `tokenFromChangingSource`: the refresh in flight. */
  get refreshInFlight(): Observable<AccessToken> | undefined {
    return this.#run?.token$;
  }

  getToken(options?: CommunicationGetTokenOptions): Promise<AccessToken> {
    const sourceChanged = this.#tuning.sourceChanged;
    if (sourceChanged === undefined) return this.tokenWithoutSourceCheck(options);
    const early = this.rejectionBeforeWork(options);
    if (early !== undefined) return early;
    const pipeline = loadedRefreshPipeline();
    if (pipeline === undefined) return this.#whenPipelineLoaded(options, () => this.getToken(options));
    return pipeline.tokenFromChangingSource(this, sourceChanged, this.#tuning, options);
  }

  /** getToken without asking whether the source of the tokens changed. */
  tokenWithoutSourceCheck(options: CommunicationGetTokenOptions | undefined): Promise<AccessToken> {
    // The hot path (C3): a token that is fresh for callers, as one already resolved promise. The
    // clock is read at every call: a cached "fresh" flag would hand out expired tokens after a sleep.
    const token = this.#token;
    const now = this.#tuning.clock.now();
    if (
      token !== undefined &&
      now < token.expiresOnTimestamp - this.#windowMs &&
      options?.abortSignal?.aborted !== true
    ) {
      return (this.#resolvedToken ??= Promise.resolve(token));
    }
    const early = this.rejectionBeforeWork(options);
    if (early !== undefined) return early;
    if (this.#refresher === undefined) return staticToken(token, now);
    if (token !== undefined && this.#run !== undefined && isUnexpired(token, now)) return Promise.resolve(token);
    const pipeline = loadedRefreshPipeline();
    if (pipeline === undefined) return this.#whenPipelineLoaded(options, () => this.tokenWithoutSourceCheck(options));
    const run = this.#startRun(pipeline);
    if (run === undefined) return this.tokenWithoutSourceCheck(options); // disposed, or the run was cancelled
    return run.join(options?.abortSignal, this.#tuning.refreshLimiter);
  }

  refresh(options?: CommunicationGetTokenOptions): Promise<AccessToken> {
    const early = this.rejectionBeforeWork(options);
    if (early !== undefined) return early;
    if (this.#refresher === undefined) return staticToken(this.#token, this.#tuning.clock.now());
    const pipeline = loadedRefreshPipeline();
    if (pipeline === undefined) return this.#whenPipelineLoaded(options, () => this.refresh(options));
    const run = this.#startRun(pipeline);
    if (run === undefined) return this.refresh(options); // disposed, or the run was cancelled
    return run.join(options?.abortSignal, this.#tuning.refreshLimiter);
  }

  /** The rejection a call gets before any work: the credential is disposed, or its signal aborted. */
  rejectionBeforeWork(options: CommunicationGetTokenOptions | undefined): Promise<never> | undefined {
    if (this.#disposed) return Promise.reject(new CredentialDisposedError());
    const signal = options?.abortSignal;
    return signal?.aborted === true ? Promise.reject(abortReason(signal)) : undefined;
  }

  dispose(): void {
    if (this.#disposed) return;
    const run = this.#run;
    this.#change({ disposed: true, run: undefined });
    this.#sharing?.dispose();
    run?.stop(new CredentialDisposedError()); // C19: pending callers reject, the refresher's signal aborts
  }

  /** Called by the schedule when `dueAt` has come: a refresh or retry is due, or a token expired. */
  runDue(): void {
    const due = this.#nextRefreshAt;
    if (due === undefined || this.#tuning.clock.now() < due) return this.#change(NO_CHANGE);
    if (!this.#hasDemand || this.#disposed) return this.#change({ nextRefreshAt: undefined });
    const pipeline = loadedRefreshPipeline();
    if (pipeline !== undefined) return this.#startRun(pipeline, { nextRefreshAt: undefined })?.holdInBackground();
    // Nothing is due while the pipeline loads, so one wait covers this refresh: then it starts, unless a
    // caller started one meanwhile or nobody wants it any more; a load that fails is a failed refresh (C13).
    this.#change({ nextRefreshAt: undefined });
    const { clock, refreshTimeoutMs } = this.#tuning;
    refreshPipelineWithin(clock, refreshTimeoutMs, undefined).then(
      (loaded) => this.#hasDemand && !this.#disposed && this.#startRun(loaded)?.holdInBackground(),
      (error: unknown) => this.#run === undefined && this.#fail(error, NO_CHANGE),
    );
  }

  /**
   * A call that needs the refresh pipeline before it has loaded: made again once it has (C32), or
   * rejected with CredentialDisposedError as soon as the credential is disposed (C19).
   */
  #whenPipelineLoaded(
    options: CommunicationGetTokenOptions | undefined,
    call: () => Promise<AccessToken>,
  ): Promise<AccessToken> {
    const { clock, refreshTimeoutMs } = this.#tuning;
    const loaded = refreshPipelineWithin(clock, refreshTimeoutMs, options?.abortSignal);
    return new Promise<AccessToken>((resolve, reject) => {
      const disposal = this.state$.subscribe(
        (state) => state.status === "disposed" && reject(new CredentialDisposedError()),
      );
      loaded
        .then(call)
        .then(resolve, reject)
        .finally(() => disposal.unsubscribe());
    });
  }

  /**
   * The refresh in flight, or a new one (C5); `change` is made with it, in one step. Undefined when a
   * `state$` subscriber, hearing that it started, disposed the credential or joined and left it.
   */
  #startRun(pipeline: RefreshPipeline, change: Change = NO_CHANGE): RefreshRun | undefined {
    if (this.#run !== undefined) {
      if (change !== NO_CHANGE) this.#change(change);
      return this.#run;
    }
    const tuning = this.#tuning;
    const settings = {
      tuning,
      tokenRefresher: this.#refresher as TokenRefresher,
      sharing: this.#sharing,
      held: this.#validToken(),
      expiresAt: this.#token?.expiresOnTimestamp ?? Number.NEGATIVE_INFINITY,
    };
    const run: RefreshRun = pipeline.createRefreshRun(settings, {
      started: () => this.#change(NO_CHANGE),
      token: (received) => this.#accept(received, this.#run === run ? { run: undefined } : NO_CHANGE),
      error: (error) => this.#fail(error, this.#run === run ? { run: undefined } : NO_CHANGE),
      cancelled: () => this.#change(this.#run === run ? { run: undefined } : NO_CHANGE),
    });
    this.#change({ ...change, run, failure: undefined });
    return this.#run === run ? run : undefined;
  }

  get #hasDemand(): boolean {
    return this.#proactive || this.#watchers > 0;
  }

  #accept(received: ReceivedToken, change: Change): void {
    if (this.#disposed) return;
    const nextRefreshAt = this.#hasDemand
      ? proactiveRefreshAt(received.token, this.#tuning.clock.now(), this.#tuning.random)
      : undefined;
    // C13: a success ends the failure and restarts the backoff.
    this.#change({ ...change, received, failure: undefined, attempt: 0, nextRefreshAt });
  }

  /** The token held, while it is valid, with the clock offset it came with. */
  #validToken(): ReceivedToken | undefined {
    const token = this.#token;
    if (token === undefined || !isUnexpired(token, this.#tuning.clock.now())) return undefined;
    return { token, clockOffsetMs: this.#clockOffsetMs };
  }

  /**
   * A peer's token (C26), which the group has judged to be for this credential's user and newer than
   * the one held (sharing/tabs/peerTrust.ts: same identity, offset close to ours, issued later): taken
   * as if fetched here. Not by a later expiry: a peer that claims one (a planted token with `exp` in
   * 2100) must never keep out a newer token of the same user. This credential's own refresher result
   * never comes through here: it is always taken.
   */
  #adopt(received: ReceivedToken): void {
    if (received.token.token === this.#token?.token) return;
    this.#accept(received, NO_CHANGE);
  }

  #fail(cause: unknown, change: Change): void {
    if (this.#disposed) return;
    const { retry, random, clock } = this.#tuning;
    let retryAt: number | undefined;
    let attempt = this.#attempt;
    if (this.#hasDemand) {
      attempt += 1;
      if (wantsRetry(retry, cause, attempt)) {
        // C13: a 429 or 503 that says how long to wait is waited for at least that long.
        retryAt = clock.now() + Math.max(retryDelayMs(attempt, retry, random), retryAfterMsOf(cause));
      }
    }
    // One Error per failure, so that publishing the same failure again is recognised as the same state.
    const previous = this.#failure;
    const error = previous !== undefined && previous.cause === cause ? previous.error : asError(cause);
    this.#change({ ...change, failure: { cause, error, retryAt }, nextRefreshAt: retryAt, attempt });
  }

  /**
   * The one place where what the credential holds changes: applies `change`, follows a change of
   * demand (C15), then publishes the state and updates the schedule. With `evenUnwatched` the state
   * is worked out even while nobody watches (somebody is about to look).
   */
  #change(change: Change, evenUnwatched = false): void {
    const wasWanted = this.#hasDemand;
    const { received } = change;
    if (received !== undefined) {
      this.#token = received.token;
      this.#clockOffsetMs = received.clockOffsetMs;
      this.#resolvedToken = undefined;
      this.#windowMs = onDemandWindowMs(received.token, this.#tuning.clock.now());
    }
    if ("run" in change) this.#run = change.run;
    if ("failure" in change) this.#failure = change.failure;
    if ("nextRefreshAt" in change) this.#nextRefreshAt = change.nextRefreshAt;
    if (change.attempt !== undefined) this.#attempt = change.attempt;
    if (change.watchers !== undefined) this.#watchers = change.watchers;
    if (change.proactive === true) this.#proactive = true;
    if (change.disposed === true) {
      this.#disposed = true;
      this.#token = undefined; // the hot path now fails, and the slow one rejects
      this.#resolvedToken = undefined;
      this.#nextRefreshAt = undefined;
    }
    if (this.#hasDemand !== wasWanted && !this.#disposed) this.#followDemand();
    this.#publish(evenUnwatched);
    this.#reschedule();
  }

  // Demand started: the refresh in flight is held for the schedule, or the next one planned. Demand
  // ended: nothing is planned, a failure's retry is off, and a refresh nobody else waits for stops.
  #followDemand(): void {
    if (this.#hasDemand) {
      if (this.#run !== undefined) this.#run.holdInBackground();
      else this.#nextRefreshAt = proactiveRefreshAt(this.#token, this.#tuning.clock.now(), this.#tuning.random);
      return;
    }
    this.#nextRefreshAt = undefined;
    if (this.#failure !== undefined) this.#failure = { ...this.#failure, retryAt: undefined };
    this.#run?.releaseBackground();
  }

  // One entry in the schedule covers every reason to wake: the next refresh or retry, and, while
  // somebody watches the state, the moment its token expires and must leave it (C17). A token$
  // subscriber still waiting for a valid token keeps a Node process alive until it gets one.
  #reschedule(): void {
    const queue = dueQueueFor(this.#tuning.clock);
    if (this.#disposed) return queue.cancel(this);
    let dueAt = this.#nextRefreshAt ?? Number.POSITIVE_INFINITY;
    const shown = this.#states.value as { token?: AccessToken };
    if (shown.token !== undefined && this.#states.observed) dueAt = Math.min(dueAt, shown.token.expiresOnTimestamp);
    if (dueAt === Number.POSITIVE_INFINITY) return queue.cancel(this);
    const token = this.#token;
    const waiting = this.#watchers > 0 && (token === undefined || !isUnexpired(token, this.#tuning.clock.now()));
    queue.schedule(this, dueAt, waiting);
  }

  #currentState(): CredentialState {
    if (this.#disposed) return createState({ status: "disposed" });
    const token =
      this.#token !== undefined && isUnexpired(this.#token, this.#tuning.clock.now()) ? this.#token : undefined;
    const clockOffsetMs = this.#clockOffsetMs;
    const run = this.#run;
    if (run !== undefined) return createState({ status: run.started ? "refreshing" : "queued", token, clockOffsetMs });
    const failure = this.#failure;
    if (failure !== undefined) {
      return createState({ status: "failed", token, error: failure.error, retryAt: failure.retryAt, clockOffsetMs });
    }
    if (token !== undefined) {
      return createState({ status: "ready", token, refreshAt: this.#nextRefreshAt, clockOffsetMs });
    }
    return createState({ status: "idle", clockOffsetMs });
  }

  /** Emits the current state if it changed; while nobody watches, only when `evenUnwatched`. */
  #publish(evenUnwatched: boolean): void {
    if (!evenUnwatched && !this.#states.observed) return;
    if (this.#emission !== IDLE) {
      this.#emission = EMITTING_AND_STALE; // a subscriber reacted: emit again once this emission is done
      return;
    }
    try {
      do {
        this.#emission = EMITTING;
        const state = this.#currentState();
        if (!isSameState(state, this.#states.value)) this.#states.next(state);
      } while (this.#emission === EMITTING_AND_STALE);
    } finally {
      this.#emission = IDLE;
    }
  }
}
