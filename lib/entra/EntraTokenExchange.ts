import type { FetchFunction } from "../types.js";
import { InvalidTokenError } from "../errors.js";
import type { AbortSignalLike } from "../types.js";
import type { Clock } from "../time/clock.js";
import { UNHEARD_PROGRESS, type RefreshProgress } from "../options/tokenRefresher.js";
import type { AccessToken } from "../types.js";
import type { ServerClockReport } from "../token/accessToken.js";
import type { CheckedEntraOptions, EntraTokenCredential } from "./entraOptions.js";
import { exchangeTargetFor } from "./exchangeTarget.js";
import { exchangeToken } from "./exchangeToken.js";

export type { EntraCommunicationTokenCredentialOptions, EntraTokenCredential } from "./entraOptions.js";

/**
 * The Entra exchange as a tokenRefresher (C5–C19 then hold for it as for any refresher): each refresh
 * gets the user's Entra token and exchanges it. It also tells whether the Entra token has changed
 * since the last exchange (another user signed in), so the credential re-exchanges at once.
 */
export class EntraTokenExchange {
  readonly #url: string;
  readonly #tokenCredential: EntraTokenCredential;
  readonly #scopes: readonly string[];
  readonly #clock: Clock;
  readonly #random: (() => number) | undefined;
  readonly #fetch: FetchFunction;
  readonly #refreshTimeoutMs: number;
  #exchangedFor: string | undefined;

  /**
   * `options` as checkEntraOptions returned them (read once, frozen); `refreshTimeoutMs` is the credential's, which
   * bounds each exchange.
   */
  constructor(options: CheckedEntraOptions, clock: Clock, refreshTimeoutMs: number) {
    this.#scopes = options.scopes;
    const { path, apiVersion } = exchangeTargetFor(this.#scopes);
    this.#url = `${new URL(options.resourceEndpoint).origin}${path}?api-version=${apiVersion}`;
    this.#tokenCredential = options.tokenCredential;
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#clock = clock;
    this.#random = options.random;
    this.#refreshTimeoutMs = refreshTimeoutMs;
  }

  /** Gets the Entra token and exchanges it for an ACS token. */
  readonly tokenRefresher = async (
    signal: AbortSignal,
    progress: RefreshProgress = UNHEARD_PROGRESS,
  ): Promise<AccessToken & ServerClockReport> => {
    // The credential cancels this call refreshTimeoutMs after making it; the exchange must not plan a
    // retry past that moment (it reports the service's answer instead).
    const deadline = this.#clock.now() + this.#refreshTimeoutMs;
    const entraToken = await this.#entraToken(signal);
    // The Entra credential may ignore the signal: a refresh cancelled meanwhile (dispose, timeout, every
    // caller gone) must not post the user's Entra token, even through a fetch that ignores it too.
    signal.throwIfAborted();
    const accessToken = await exchangeToken({
      url: this.#url,
      entraToken,
      signal,
      clock: this.#clock,
      fetch: this.#fetch,
      random: this.#random,
      progress: this.#withinDeadline(progress, deadline),
    });
    this.#exchangedFor = entraToken;
    return accessToken;
  };

  /**
   * The credential's progress, bounded by this exchange's own `deadline` too: a refresher called
   * outside a credential has no other.
   */
  #withinDeadline(progress: RefreshProgress, deadline: number): RefreshProgress {
    return {
      backingOff: (delayMs) => progress.backingOff(delayMs),
      remainingMs: () => Math.min(progress.remainingMs(), deadline - this.#clock.now()),
      retryTurn: () => progress.retryTurn(),
      scheduler: progress.scheduler,
    };
  }

  /** True when the Entra token differs from the one last exchanged; false when unknown or unreachable. */
  async entraTokenChanged(abortSignal: AbortSignalLike | undefined): Promise<boolean> {
    if (this.#exchangedFor === undefined) return false;
    try {
      return (await this.#entraToken(abortSignal)) !== this.#exchangedFor;
    } catch {
      return false; // the held ACS token stays usable; a refresh will report the Entra failure
    }
  }

  async #entraToken(abortSignal: AbortSignalLike | undefined): Promise<string> {
    const entra: unknown = await this.#tokenCredential.getToken([...this.#scopes], { abortSignal });
    const token = (entra as { token?: unknown } | null)?.token;
    if (typeof token !== "string" || token === "") {
      throw new InvalidTokenError("The Entra ID tokenCredential returned no token: is the user signed in?");
    }
    return token;
  }
}
