import { createResourceMatcher } from "../auth/protectedResources.js";
import { rejectUnknownOptions } from "../support/optionNames.js";
import { assertSecureResources, assertSecureUrl } from "../support/secureUrl.js";
import { toAccessToken, type TokenInput } from "../token/accessToken.js";
import { reportedClockOffsetMs } from "../token/issuerClock.js";
import { refreshOptionNames, resolveWithToken } from "../options/options.js";
import { snapshotOptions } from "../options/optionSnapshot.js";
import type { CommunicationTokenRefreshOptions } from "../options/options.js";
import type { TokenRefresher } from "../options/tokenRefresher.js";
import { resolveOnPage } from "./page.js";

/**
 * Options of `provideCommunicationCredential`: where tokens come from (`tokenUrl` or `tokenRefresher`,
 * exactly one), which endpoints get them (`protectedResources`), and the credential's own tuning
 * options (`token`, `refreshTimeoutMs`, `retry`, `scheduler`, `refreshLimiter`, …), passed on as they are.
 *
 * @example
 * ```ts
 * const options: CommunicationCredentialOptions = {
 *   tokenUrl: "/api/acs-token", // your server answers { token, expiresOn }
 *   protectedResources: ["https://contoso.communication.azure.com"],
 *   refreshTimeoutMs: 10_000,
 * };
 * ```
 */
export interface CommunicationCredentialOptions extends Omit<
  CommunicationTokenRefreshOptions,
  "tokenRefresher" | "refreshProactively"
> {
  /**
   * Your server's URL that hands out the signed-in user's ACS token, fetched with a GET through
   * Angular's `HttpBackend`, so the app's interceptors (this library's included) do not see it. The
   * answer may be `{ token, expiresOn }` (what `@azure/communication-identity` gives a backend),
   * `{ token, expiresOnTimestamp }` or the bare token as text. A relative URL is relative to the page.
   * It must be `https:`, or `http:` to a loopback host (A1), once resolved against `document.baseURI`
   * (else an InsecureConnectionError where the options are checked), and so must the URL the answer
   * finally came from after redirects. Needs `provideHttpClient()`. For anything else (headers, POST,
   * credentials) pass a `tokenRefresher`.
   */
  tokenUrl?: string | undefined;
  /** Fetches a new token, as for `new CommunicationTokenCredential({ tokenRefresher })`. */
  tokenRefresher?: TokenRefresher | undefined;
  /**
   * Keep a fresh token at hand, refreshing in the background before it expires. Default **true** here
   * (an app's one credential is used all the time), unlike the credential's own default.
   */
  refreshProactively?: boolean | undefined;
  /**
   * The ACS endpoints whose requests `communicationCredentialInterceptor` authenticates, e.g.
   * `["https://contoso.communication.azure.com"]`. A request gets the token only when its scheme, host
   * and port equal one of these and its path continues the listed path at a `/`. Required: at least one.
   */
  protectedResources: readonly string[];
  /**
   * Allows `http://` entries in `protectedResources`, and an `http://` `tokenUrl` (or a redirect of it
   * to `http://`), on hosts that are not loopback ones, so that the token travels in clear text. By
   * default a token goes only over https or to `localhost`, 127.0.0.0/8 or `[::1]`; set this in tests only.
   */
  allowInsecureConnection?: boolean | undefined;
}

/**
 * What provideCommunicationCredential keeps of its options once they are checked: frozen copies, read
 * from the caller's objects once (C2), so that the credential made at the first inject is built from
 * what was checked, whatever the caller changed in between.
 */
export interface CheckedOptions {
  /** Where tokens come from: options.tokenUrl (a string) or options.tokenRefresher. */
  readonly tokenSource: string | TokenRefresher;
  /** The options handed to the credential, minus its refresher: frozen, with `retry` and `token` checked copies. */
  readonly credentialOptions: Omit<CommunicationTokenRefreshOptions, "tokenRefresher">;
  readonly isProtected: (url: string, base?: string) => boolean;
  /** options.allowInsecureConnection: the https-or-loopback rule (A1) is lifted, for tests. */
  readonly allowInsecureConnection: boolean;
}

const neverCalled: TokenRefresher = () => {
  throw new Error("The options check never asks for a token.");
};

/**
 * Checks every option where provideCommunicationCredential is called, at configuration time, rather
 * than at the first inject: a TypeError naming the option. The credential's own options are checked
 * by the rules its constructor applies, the one authority on them (C2), without building one: it
 * fetches nothing, sets no timer and opens no channel to other tabs.
 */
const angularOptionNames = new Set([
  "tokenUrl",
  "protectedResources",
  "allowInsecureConnection",
  ...refreshOptionNames,
]);

export function checkOptions(options: CommunicationCredentialOptions): CheckedOptions {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(
      "provideCommunicationCredential needs options: { tokenUrl or tokenRefresher, protectedResources }.",
    );
  }
  // Checked first, so that a misspelt protectedResources is named as such, not as a missing option.
  rejectUnknownOptions(options, angularOptionNames);
  // Each option read once, into a frozen copy (C2): what is checked here is what the first inject uses.
  const {
    tokenUrl,
    tokenRefresher,
    protectedResources: listed,
    refreshProactively = true,
    allowInsecureConnection = false,
    ...tuning
  } = snapshotOptions(options, angularOptionNames);
  if ((tokenUrl === undefined) === (tokenRefresher === undefined)) {
    throw new TypeError("Give exactly one of options.tokenUrl (your server's token URL) and options.tokenRefresher.");
  }
  if (tokenUrl !== undefined && (typeof tokenUrl !== "string" || tokenUrl.trim() === "")) {
    throw new TypeError("options.tokenUrl must be a non-empty URL string such as /api/acs-token.");
  }
  if (tokenRefresher !== undefined && typeof tokenRefresher !== "function") {
    throw new TypeError("options.tokenRefresher must be a function that returns a token.");
  }
  if (typeof refreshProactively !== "boolean") throw new TypeError("options.refreshProactively must be a boolean.");
  if (typeof allowInsecureConnection !== "boolean")
    throw new TypeError("options.allowInsecureConnection must be a boolean.");
  // A1: the token comes back in the answer. A relative URL where there is no page (server-side
  // rendering, Node) cannot be judged here; the URL its answer came from still is (tokenUrlRefresher).
  const tokenUrlResolved = tokenUrl === undefined ? undefined : resolveOnPage(tokenUrl);
  if (tokenUrlResolved !== undefined)
    assertSecureUrl(tokenUrlResolved, "fetch a token (options.tokenUrl) from", allowInsecureConnection);
  // Each entry read once: the list the matcher keeps is the list checked for https below.
  const protectedResources = Array.isArray(listed) ? Object.freeze(Array.from(listed as string[])) : listed;
  const isProtected = createResourceMatcher(protectedResources, "options.protectedResources");
  // A1: a token read on the network is as good as stolen; refused now rather than at the first request.
  if (!allowInsecureConnection) assertSecureResources(protectedResources, "options.protectedResources");
  // The credential's own checks (C2), without building one: a credential with shareAcrossTabs would
  // open its channel and have every other tab answer its ask.
  const { options: resolved, token } = resolveWithToken({ ...tuning, tokenRefresher: neverCalled });
  const credentialOptions = Object.freeze({
    ...tuning,
    // The checked, frozen copies: the caller's retry object and token object are not read again.
    ...(tuning.retry === undefined ? {} : { retry: resolved.retry }),
    ...(token === undefined ? {} : { token: checkedToken(token, resolved.opaqueTokenLifetimeMs) }),
    refreshProactively,
  });
  const tokenSource = tokenUrl ?? (tokenRefresher as TokenRefresher);
  return { tokenSource, credentialOptions, isProtected, allowInsecureConnection };
}

/**
 * The initial token as checked: a string as it is (an opaque one's lifetime starts when the credential
 * is made), an object as a frozen AccessToken with the clock offset it reported, read once.
 */
function checkedToken(token: TokenInput, opaqueTokenLifetimeMs: number): TokenInput {
  if (typeof token === "string") {
    toAccessToken(token, "initial token", opaqueTokenLifetimeMs, Date.now());
    return token;
  }
  const given = snapshotOptions(token, ["token", "expiresOnTimestamp", "expiresOn", "clockOffsetMs"]);
  const accessToken = toAccessToken(given, "initial token", opaqueTokenLifetimeMs, Date.now());
  const clockOffsetMs = reportedClockOffsetMs(given);
  if (clockOffsetMs === undefined) return accessToken;
  // The AccessToken's own prototype, which keeps the token out of util.inspect and JSON (C20).
  const withOffset = Object.create(Object.getPrototypeOf(accessToken) as object) as Record<string, unknown>;
  return Object.freeze(Object.assign(withOffset, accessToken, { clockOffsetMs })) as TokenInput;
}
