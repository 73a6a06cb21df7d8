import type { SchedulerLike } from "rxjs";
import { assertValidEndpoint } from "../auth/endpoint.js";
import { InvalidTokenError } from "../errors.js";
import type { AbortSignalLike } from "../credential/abortable.js";
import type { Clock } from "../credential/clock.js";
import type { RetryOptions, TokenRefresher } from "../credential/options.js";
import { DEFAULT_SCOPES, exchangeTargetFor } from "./exchangeTarget.js";
import { exchangeToken } from "./exchangeToken.js";

/**
 * Anything that signs a user in with Microsoft Entra ID and hands out their token: the
 * `TokenCredential` of `@azure/core-auth`, e.g. `InteractiveBrowserCredential` of `@azure/identity`.
 *
 * @example
 * ```ts
 * const tokenCredential: EntraTokenCredential = new InteractiveBrowserCredential({ clientId, tenantId });
 * ```
 */
export interface EntraTokenCredential {
  getToken(
    scopes: string | string[],
    options?: { abortSignal?: AbortSignalLike | undefined },
  ): Promise<{ token: string; expiresOnTimestamp: number } | null>;
}

/**
 * Options for a credential that exchanges the signed-in user's Entra ID token for an ACS token, as in
 * `@azure/communication-common`, plus the tuning options of the refresher credential.
 *
 * @example
 * ```ts
 * const credential = new CommunicationTokenCredential({
 *   resourceEndpoint: "https://contoso.communication.azure.com",
 *   tokenCredential: new InteractiveBrowserCredential({ clientId, tenantId }),
 *   scopes: ["https://auth.msft.communication.azure.com/TeamsExtension.ManageCalls"],
 * });
 * ```
 */
export interface EntraCommunicationTokenCredentialOptions {
  /** The ACS resource endpoint, e.g. `https://contoso.communication.azure.com`. */
  resourceEndpoint: string;
  /** Signs the user in with Entra ID. */
  tokenCredential: EntraTokenCredential;
  /** Default `["https://communication.azure.com/clients/.default"]`; Teams extension scopes select that exchange. */
  scopes?: string[] | undefined;
  /** As for a refresher credential: refresh in the background 10 minutes before expiry. Default false. */
  refreshProactively?: boolean | undefined;
  /** As for a refresher credential: an exchange still pending after this is cancelled. Default 30 000. */
  refreshTimeoutMs?: number | undefined;
  /** As for a refresher credential: how background refreshes are retried. */
  retry?: RetryOptions | undefined;
  /** As for a refresher credential: the time source and timers. */
  scheduler?: SchedulerLike | undefined;
}

const entraOptionNames = new Set([
  "resourceEndpoint",
  "tokenCredential",
  "scopes",
  "refreshProactively",
  "refreshTimeoutMs",
  "retry",
  "scheduler",
]);

/**
 * The Entra exchange as a tokenRefresher (C5–C19 then hold for it as for any refresher): each refresh
 * gets the user's Entra token and exchanges it. It also tells whether the Entra token has changed
 * since the last exchange (another user signed in), so the credential re-exchanges at once.
 */
export class EntraTokenExchange {
  readonly #url: string;
  readonly #tokenCredential: EntraTokenCredential;
  readonly #scopes: string[];
  readonly #clock: Clock;
  #exchangedFor: string | undefined;

  /** Checks the options eagerly: a TypeError or InvalidEndpointError names what is wrong. */
  constructor(options: EntraCommunicationTokenCredentialOptions, clock: Clock) {
    for (const key of Object.keys(options)) {
      if (!entraOptionNames.has(key)) throw new TypeError(`Unknown option options.${key} for an Entra ID credential.`);
    }
    if (typeof options.resourceEndpoint !== "string" || options.resourceEndpoint === "") {
      throw new TypeError("options.resourceEndpoint must be the ACS resource endpoint URL.");
    }
    assertValidEndpoint(options.resourceEndpoint);
    if (typeof options.tokenCredential?.getToken !== "function") {
      throw new TypeError("options.tokenCredential must be an Entra ID TokenCredential (with getToken).");
    }
    this.#scopes = [...(options.scopes ?? DEFAULT_SCOPES)];
    const { path, apiVersion } = exchangeTargetFor(this.#scopes);
    this.#url = `${options.resourceEndpoint.replace(/\/+$/, "")}${path}?api-version=${apiVersion}`;
    this.#tokenCredential = options.tokenCredential;
    this.#clock = clock;
  }

  /** Gets the Entra token and exchanges it for an ACS token. */
  readonly tokenRefresher: TokenRefresher = async (signal) => {
    const entraToken = await this.#entraToken(signal);
    const accessToken = await exchangeToken({
      url: this.#url,
      entraToken,
      signal,
      clock: this.#clock,
      fetch: (url, init) => fetch(url, init),
    });
    this.#exchangedFor = entraToken;
    return accessToken;
  };

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
    const entra: unknown = await this.#tokenCredential.getToken(this.#scopes, { abortSignal });
    const token = (entra as { token?: unknown } | null)?.token;
    if (typeof token !== "string" || token === "") {
      throw new InvalidTokenError("The Entra ID tokenCredential returned no token: is the user signed in?");
    }
    return token;
  }
}
