import { assertValidEndpoint } from "../support/endpoint.js";
import { assertSecureUrl } from "../support/secureUrl.js";
import type { AbortSignalLike, FetchFunction } from "../types.js";
import { rejectUnknownOptions } from "../support/optionNames.js";
import type { CommunicationTokenRefreshOptions } from "../options/options.js";
import { snapshotOptions } from "../options/optionSnapshot.js";
import { DEFAULT_SCOPES, exchangeTargetFor } from "./exchangeTarget.js";

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

// An Entra credential takes the refresh options below as a refresher credential does, with their
// documentation from there. Not the refresher and initial token the exchange replaces, nor the lifetime
// of undecodable tokens it never receives, nor shareAcrossTabs: its name is fixed when the credential
// is made, while the Entra user may change under the same credential, and tabs would then hand one
// user's token to another. hedgeAfterMs it takes with a default of its own.

/**
 * Options for a credential that exchanges the signed-in user's Entra ID token for an ACS token, as in
 * `@azure/communication-common`, plus the tuning options of the refresher credential, as that one
 * documents them: `refreshProactively`, `refreshTimeoutMs`, `retry`, `scheduler`, `refreshLimiter` and
 * `random`; and `hedgeAfterMs`, which is off by default here.
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
export interface EntraCommunicationTokenCredentialOptions extends Pick<
  CommunicationTokenRefreshOptions,
  "refreshProactively" | "refreshTimeoutMs" | "retry" | "scheduler" | "refreshLimiter" | "random"
> {
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
  /**
   * A second exchange when the first has had no answer for this many milliseconds (C29); the first
   * token wins. Unlike a refresher credential's, **off by default**: each exchange starts with the
   * user's Entra sign-in, which may wait for the user, and a hedged second call would ask them again.
   * Give it to hedge. It must be less than `refreshTimeoutMs`, and cannot be combined with
   * `refreshLimiter`. Default: no hedge.
   *
   * @example
   * ```ts
   * const credential = new CommunicationTokenCredential({ resourceEndpoint, tokenCredential, hedgeAfterMs: 5_000 });
   * ```
   */
  hedgeAfterMs?: number | false | undefined;
}

// Every option's name, once: the compiler refuses an option missing here or one that does not exist.
const ENTRA_OPTIONS: Readonly<Record<keyof EntraCommunicationTokenCredentialOptions, true>> = {
  resourceEndpoint: true,
  tokenCredential: true,
  scopes: true,
  fetch: true,
  allowInsecureConnection: true,
  hedgeAfterMs: true,
  refreshProactively: true,
  refreshTimeoutMs: true,
  retry: true,
  scheduler: true,
  refreshLimiter: true,
  random: true,
};
const entraOptionNames: ReadonlySet<string> = new Set(Object.keys(ENTRA_OPTIONS));

/**
 * Entra options as checked: each read once from the caller's object, frozen, with the scopes (or
 * their default) copied. The exchange uses these, never the caller's object, which may change later.
 */
export type CheckedEntraOptions = Readonly<Omit<EntraCommunicationTokenCredentialOptions, "scopes">> & {
  readonly scopes: readonly string[];
};

/**
 * Checks the options that only the Entra exchange reads, eagerly (C2): a TypeError names the option,
 * an InvalidEndpointError or InsecureConnectionError says what is wrong with the endpoint, and bad
 * scopes are a TypeError starting "Scopes validation failed." The refresher's tuning options are
 * checked by the credential's own rules. Returns what was checked, read once and frozen.
 */
export function checkEntraOptions(given: EntraCommunicationTokenCredentialOptions): CheckedEntraOptions {
  rejectUnknownOptions(given, entraOptionNames, {
    hint: `An Entra ID credential takes ${[...entraOptionNames].join(", ")}.`,
  });
  const options = snapshotOptions(given, entraOptionNames);
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
  const givenScopes: unknown = options.scopes ?? DEFAULT_SCOPES;
  // Copied before the check, so that the list checked is the list kept.
  const scopes = Array.isArray(givenScopes) ? Object.freeze([...(givenScopes as unknown[])]) : givenScopes;
  exchangeTargetFor(scopes);
  return Object.freeze({ ...options, scopes: scopes as readonly string[] });
}

/** The options that only the Entra exchange reads; the rest go to the refresher credential as they are. */
type EntraOnlyOptionName = "resourceEndpoint" | "tokenCredential" | "scopes" | "fetch" | "allowInsecureConnection";

/** The refresher credential's tuning options among `options` (checked by checkEntraOptions first). */
export function refreshTuningOf(
  options: CheckedEntraOptions,
): Omit<EntraCommunicationTokenCredentialOptions, EntraOnlyOptionName> {
  const { resourceEndpoint, tokenCredential, scopes, fetch, allowInsecureConnection, ...tuning } = options;
  return tuning;
}
