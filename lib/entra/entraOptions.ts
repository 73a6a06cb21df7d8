import type { SchedulerLike } from "rxjs";
import { assertValidEndpoint } from "../support/endpoint.js";
import { assertSecureUrl } from "../support/secureUrl.js";
import type { FetchFunction } from "../types.js";
import type { AbortSignalLike } from "../types.js";
import { rejectUnknownOptions } from "../support/optionNames.js";
import { refreshOptionNames, type RetryOptions } from "../options/options.js";
import type { RefreshLimiter } from "../limiter/refreshLimiter.js";

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
  /**
   * The ACS resource endpoint, e.g. `https://contoso.communication.azure.com`. It receives the user's
   * Entra token, so it must be `https:`; plain `http:` is accepted only for a loopback host
   * (`localhost`, 127.0.0.0/8, `[::1]`) or with `allowInsecureConnection`.
   */
  resourceEndpoint: string;
  /** Signs the user in with Entra ID. */
  tokenCredential: EntraTokenCredential;
  /** Default `["https://communication.azure.com/clients/.default"]`; Teams extension scopes select that exchange. */
  scopes?: string[] | undefined;
  /**
   * Sends the exchange request; default: the global `fetch`, looked up at each call. Give one to add
   * telemetry, go through your HTTP stack, or answer from a test double.
   *
   * @example
   * ```ts
   * const credential = new CommunicationTokenCredential({
   *   resourceEndpoint: "https://contoso.communication.azure.com",
   *   tokenCredential,
   *   fetch: async (input, init) => {
   *     const response = await fetch(input, init);
   *     console.info("ACS token exchange:", response.status);
   *     return response;
   *   },
   * });
   * ```
   */
  fetch?: FetchFunction | undefined;
  /**
   * Lets an `http:` `resourceEndpoint` on a host that is not a loopback one receive the Entra token in
   * clear text, as the Azure SDK's option of that name does. For tests against an emulator on another
   * machine only. Default false: such an endpoint throws InsecureConnectionError at construction.
   *
   * @example
   * ```ts
   * const credential = new CommunicationTokenCredential({
   *   resourceEndpoint: "http://acs-emulator.test:8080",
   *   tokenCredential: fakeEntraCredential,
   *   allowInsecureConnection: true,
   * });
   * ```
   */
  allowInsecureConnection?: boolean | undefined;
  /** As for a refresher credential: refresh in the background, 20 to 10 minutes before expiry. Default false. */
  refreshProactively?: boolean | undefined;
  /**
   * As for a refresher credential: an exchange still pending after this is cancelled. Default 30 000.
   * A `Retry-After` asking for a longer wait fails the exchange at once with TokenExchangeError.
   */
  refreshTimeoutMs?: number | undefined;
  /** As for a refresher credential: a second exchange when the first has no answer after this long; `false`: never. Default 3 000. */
  hedgeAfterMs?: number | false | undefined;
  /** As for a refresher credential: how background refreshes are retried. */
  retry?: RetryOptions | undefined;
  /** As for a refresher credential: the time source and timers. */
  scheduler?: SchedulerLike | undefined;
  /** As for a refresher credential: a limiter shared with other credentials (C23). */
  refreshLimiter?: RefreshLimiter | undefined;
  /** As for a refresher credential: the random source of the refresh spread and the retry jitter. */
  random?: (() => number) | undefined;
}

// The Entra options, then the refresh options an Entra credential takes too: not the refresher and
// initial token the exchange replaces, nor the lifetime of undecodable tokens it never receives, nor
// shareAcrossTabs: its name is fixed when the credential is made, while the Entra user may change
// under the same credential, and tabs would then hand one user's token to another.
const notForEntra = new Set(["tokenRefresher", "token", "undecodableTokenExpiryIntervalInSeconds", "shareAcrossTabs"]);
const entraOptionNames = new Set([
  "resourceEndpoint",
  "tokenCredential",
  "scopes",
  "fetch",
  "allowInsecureConnection",
  ...[...refreshOptionNames].filter((name) => !notForEntra.has(name)),
]);

/**
 * Checks the options that only the Entra exchange reads, eagerly (C2): a TypeError names the option,
 * an InvalidEndpointError or InsecureConnectionError says what is wrong with the endpoint. The
 * refresher's tuning options are checked by the credential's own rules.
 */
export function checkEntraOptions(options: EntraCommunicationTokenCredentialOptions): void {
  rejectUnknownOptions(options, entraOptionNames, {
    hint: `An Entra ID credential takes ${[...entraOptionNames].join(", ")}.`,
  });
  if (typeof options.resourceEndpoint !== "string" || options.resourceEndpoint === "") {
    throw new TypeError("options.resourceEndpoint must be the ACS resource endpoint URL.");
  }
  if (options.allowInsecureConnection !== undefined && typeof options.allowInsecureConnection !== "boolean") {
    throw new TypeError(
      `options.allowInsecureConnection must be a boolean; got a ${typeof options.allowInsecureConnection}.`,
    );
  }
  assertValidEndpoint(options.resourceEndpoint);
  assertSecureUrl(new URL(options.resourceEndpoint), "send an Entra ID token to", options.allowInsecureConnection);
  if (typeof options.tokenCredential?.getToken !== "function") {
    throw new TypeError("options.tokenCredential must be an Entra ID TokenCredential (with getToken).");
  }
  if (options.fetch !== undefined && typeof options.fetch !== "function") {
    throw new TypeError("options.fetch must be a function with fetch's signature.");
  }
}

/** The options that only the Entra exchange reads; the rest go to the refresher credential as they are. */
type EntraOnlyOptionName = "resourceEndpoint" | "tokenCredential" | "scopes" | "fetch" | "allowInsecureConnection";

/** The refresher credential's tuning options among `options` (checked by checkEntraOptions first). */
export function refreshTuningOf(
  options: EntraCommunicationTokenCredentialOptions,
): Omit<EntraCommunicationTokenCredentialOptions, EntraOnlyOptionName> {
  const { resourceEndpoint, tokenCredential, scopes, fetch, allowInsecureConnection, ...tuning } = options;
  return tuning;
}
