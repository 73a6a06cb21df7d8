import type { Observable } from "rxjs";
import { InvalidTokenError } from "./errors.js";
import type { AccessToken, CommunicationGetTokenOptions } from "./types.js";
import { toAccessToken, type TokenInput } from "./token/accessToken.js";
import { clockFor } from "./time/clock.js";
import { receivedToken, reportedClockOffsetMs } from "./token/issuerClock.js";
import type { CredentialState } from "./refresh/credentialState.js";
import { misshapenArgumentMessage } from "./support/optionNames.js";
import {
  DEFAULT_OPAQUE_TOKEN_LIFETIME_MS,
  refreshOptionNames,
  resolveWithToken,
  type CommunicationTokenRefreshOptions,
} from "./options/options.js";
import { getTokenOptionsError } from "./options/getTokenOptions.js";
import { TokenKeeper } from "./refresh/tokenKeeper.js";
import { tabSharing } from "./sharing/tabs/lazyTabShare.js";
import type { EntraCommunicationTokenCredentialOptions } from "./entra/entraOptions.js";
import { entraRefreshOptions } from "./entra/entraRefresh.js";

function isObject(value: unknown): value is object {
  return typeof value === "object" && value !== null;
}

/** Picks static, refresher or Entra by the constructor argument's shape, as the Azure SDK does. */
function createKeeper(tokenOrOptions: unknown): TokenKeeper {
  if (isObject(tokenOrOptions) && "tokenRefresher" in tokenOrOptions) {
    // Each option read once, the token with them: what was checked is what is kept (C2).
    const { options, token } = resolveWithToken(tokenOrOptions as CommunicationTokenRefreshOptions);
    const now = clockFor(options.scheduler).now();
    const initial =
      token === undefined ? undefined : toAccessToken(token, "initial token", options.opaqueTokenLifetimeMs, now);
    const sharing = options.shareAcrossTabs === undefined ? undefined : tabSharing(options.shareAcrossTabs);
    return new TokenKeeper(initial && receivedToken(initial, reportedClockOffsetMs(token), now), options, sharing);
  }
  if (isObject(tokenOrOptions) && ("resourceEndpoint" in tokenOrOptions || "tokenCredential" in tokenOrOptions)) {
    return new TokenKeeper(undefined, entraRefreshOptions(tokenOrOptions as EntraCommunicationTokenCredentialOptions));
  }
  const mistake = isObject(tokenOrOptions) ? misshapenArgumentMessage(tokenOrOptions, refreshOptionNames) : undefined;
  if (mistake !== undefined) throw new TypeError(mistake);
  const now = Date.now();
  if (tokenOrOptions === undefined || (isObject(tokenOrOptions) && Object.keys(tokenOrOptions).length === 0)) {
    throw new InvalidTokenError(
      `CommunicationTokenCredential takes a token, options with a tokenRefresher, or Entra ID options ` +
        `(resourceEndpoint, tokenCredential); got ${tokenOrOptions === undefined ? "nothing" : "an empty object"}.`,
    );
  }
  const token = toAccessToken(tokenOrOptions, "token", DEFAULT_OPAQUE_TOKEN_LIFETIME_MS, now);
  return new TokenKeeper(receivedToken(token, reportedClockOffsetMs(tokenOrOptions), now));
}

/**
 * Keeps an Azure Communication Services user access token valid, and hands it out three ways:
 * awaited (`getToken()`), subscribed (`token$`, `state$`) and composed into rxjs pipelines. A drop-in
 * for `AzureCommunicationTokenCredential` of `@azure/communication-common`: pass it to the ACS chat and
 * calling clients.
 *
 * Built from a static token (a JWT string or an AccessToken), or from options with a
 * `tokenRefresher` that fetches new tokens from your server.
 *
 * @example Awaited
 * ```ts
 * const credential = new CommunicationTokenCredential({
 *   // your backend answers { token, expiresOn }, as @azure/communication-identity gives it
 *   tokenRefresher: async (signal) => (await fetch("/api/acs-token", { signal })).json(),
 *   refreshProactively: true,
 * });
 * const { token } = await credential.getToken();
 * ```
 *
 * @example Subscribed (Angular)
 * ```ts
 * readonly state = toSignal(credential.state$, { requireSync: true });
 * ```
 *
 * @example Composed
 * ```ts
 * credential.token$.pipe(switchMap(({ token }) => connectChat(token))).subscribe();
 * ```
 */
export class CommunicationTokenCredential implements Disposable {
  readonly #keeper: TokenKeeper;

  /**
   * @param token a static token: it is never renewed, and once it expires `getToken()` rejects with
   *   TokenExpiredError. A JWT string expires at its `exp`; an opaque string lives 10 minutes.
   * @throws InvalidTokenError for an empty string, a non-string, or an AccessToken without a finite expiry.
   */
  constructor(token: TokenInput);
  /**
   * @param options a `tokenRefresher` and, optionally, an initial `token`, `refreshProactively` and
   *   the tuning options. Nothing is fetched until a token is needed (or, with `refreshProactively`,
   *   until the next tick).
   * @throws TypeError naming an option that is missing or out of range; InvalidTokenError for a bad `token`.
   */
  constructor(options: CommunicationTokenRefreshOptions);
  /**
   * @param options the ACS `resourceEndpoint` and an Entra ID `tokenCredential`: each refresh gets the
   *   user's Entra token and exchanges it for an ACS token (Teams Phone extensibility, Entra users).
   * @throws TypeError for a missing credential or bad scopes ("Scopes validation failed. …");
   *   InvalidEndpointError for a bad endpoint.
   */
  constructor(options: EntraCommunicationTokenCredentialOptions);
  /** Any of the above, for code that decides at run time. */
  constructor(tokenOrOptions: TokenInput | CommunicationTokenRefreshOptions | EntraCommunicationTokenCredentialOptions);
  constructor(
    tokenOrOptions: TokenInput | CommunicationTokenRefreshOptions | EntraCommunicationTokenCredentialOptions,
  ) {
    this.#keeper = createKeeper(tokenOrOptions);
  }

  /**
   * Every valid token: the current one at once when there is one (synchronously), fetching one if
   * needed, then each new token. While subscribed, the credential refreshes proactively. Never
   * errors; completes on dispose.
   *
   * @example
   * ```ts
   * credential.token$.pipe(switchMap(({ token }) => connect(token))).subscribe();
   * ```
   */
  get token$(): Observable<AccessToken> {
    return this.#keeper.token$;
  }

  /**
   * What the credential is doing. Emits synchronously on subscribe, so Angular's
   * `toSignal(credential.state$, { requireSync: true })` works; completes after `disposed`.
   *
   * @example
   * ```ts
   * credential.state$.subscribe((state) => console.log(state.status));
   * ```
   */
  get state$(): Observable<CredentialState> {
    return this.#keeper.state$;
  }

  /**
   * A valid token. A token with more than 2 minutes left (for a short-lived token, more than half the
   * life it arrived with) is returned at once; otherwise this joins (or starts) the one shared
   * refresh. An Entra ID credential first asks Entra whether the user changed. Rejects with the
   * refresher's own error, TokenExpiredError, InvalidTokenError, RefreshTimeoutError,
   * CredentialDisposedError, or the abort signal's reason.
   *
   * @example
   * ```ts
   * const { token } = await credential.getToken({ abortSignal: AbortSignal.timeout(10_000) });
   * ```
   */
  getToken(options?: CommunicationGetTokenOptions): Promise<AccessToken> {
    const mistake = options === undefined ? undefined : getTokenOptionsError(options, "getToken");
    return mistake === undefined ? this.#keeper.getToken(options) : Promise.reject(mistake);
  }

  /**
   * A new token even if the current one is still valid, for example after a 401; joins a refresh
   * already in flight. A static credential has nothing to renew: it returns its token while valid.
   *
   * @example
   * ```ts
   * if (response.status === 401) await credential.refresh();
   * ```
   */
  refresh(options?: CommunicationGetTokenOptions): Promise<AccessToken> {
    const mistake = options === undefined ? undefined : getTokenOptionsError(options, "refresh");
    return mistake === undefined ? this.#keeper.refresh(options) : Promise.reject(mistake);
  }

  /**
   * Stops timers, aborts a refresh in flight, rejects pending and later calls with
   * CredentialDisposedError and completes the streams. Safe to call more than once.
   *
   * @example
   * ```ts
   * {
   *   using credential = new CommunicationTokenCredential(jwt);
   * } // disposed here
   * ```
   */
  dispose(): void {
    this.#keeper.dispose();
  }

  /** The same as `dispose()`, for `using` declarations. */
  [Symbol.dispose](): void {
    this.#keeper.dispose();
  }

  /** A summary without the token, for `JSON.stringify`. */
  toJSON(): { status: CredentialState["status"] } {
    return { status: this.#keeper.status };
  }

  /** A summary without the token, for Node's `util.inspect` and `console.log`. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `CommunicationTokenCredential { status: '${this.#keeper.status}' }`;
  }
}
