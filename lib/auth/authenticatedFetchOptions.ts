import type { FetchFunction } from "../types.js";
import { rejectUnknownOptions } from "../support/optionNames.js";
import { snapshotOptions } from "../options/optionSnapshot.js";

/** Options of createAuthenticatedFetch. */
export interface AuthenticatedFetchOptions {
  /**
   * The fetch to send with; default: the global `fetch`, looked up at each call. It must send the
   * `Request` it is given as it is, its `redirect` mode included: a bearer request's hops go with
   * `redirect: "manual"`, and an answer that says the fetch followed a redirect anyway (`redirected`,
   * or a `url` other than the one sent) rejects with a TypeError, since the token went along.
   */
  fetch?: FetchFunction | undefined;
  /**
   * The ACS endpoints whose requests get credentials, e.g. `["https://contoso.communication.azure.com"]`.
   * A request carries them only when its scheme, host and port equal one of these and its path
   * continues the listed path at a `/`; any other request is sent as it is, and no token is fetched
   * for it. Give it whenever the fetch may also reach other hosts, so that neither a token nor a
   * signature leaks to them. Default: every request is authenticated.
   *
   * With a token credential, an `http://` entry on a host that is not a loopback one is refused when
   * the fetch is created (unless `allowInsecureConnection`), rather than at its first request.
   */
  protectedResources?: readonly string[] | undefined;
  /**
   * Lets a bearer token travel over plain `http://` to any host. By default it goes only over https or
   * to a loopback host, as the Azure SDK's bearer policy requires; set this in tests only.
   */
  allowInsecureConnection?: boolean | undefined;
}

const optionNames = new Set(["fetch", "protectedResources", "allowInsecureConnection"]);

/**
 * createAuthenticatedFetch's options, checked eagerly: an unknown name is a TypeError with a
 * suggestion ("did you mean protectedResources?"), a wrong type a TypeError naming the option.
 * Each option is read once, into a frozen copy (C2), and `protectedResources` is copied into a frozen
 * array, each entry read once: what is checked is what is kept, so that changing the options object,
 * or pushing to its array, after the fetch is made changes nothing.
 */
export function checkedOptions(options: AuthenticatedFetchOptions): Readonly<AuthenticatedFetchOptions> {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("createAuthenticatedFetch's options must be an object.");
  }
  // A misspelt protectedResources must not pass unnoticed: without it every request gets credentials.
  rejectUnknownOptions(options, optionNames, {
    hint: "createAuthenticatedFetch takes fetch, protectedResources and allowInsecureConnection.",
  });
  const given = snapshotOptions(options, optionNames);
  if (given.fetch !== undefined && typeof given.fetch !== "function") {
    throw new TypeError("createAuthenticatedFetch's fetch option must be a function with fetch's signature.");
  }
  if (given.allowInsecureConnection !== undefined && typeof given.allowInsecureConnection !== "boolean") {
    throw new TypeError("createAuthenticatedFetch's allowInsecureConnection option must be a boolean.");
  }
  const { protectedResources } = given;
  // Not an array: left as it is, for the resource matcher's TypeError.
  if (!Array.isArray(protectedResources)) return given;
  return Object.freeze({ ...given, protectedResources: Object.freeze(Array.from(protectedResources as string[])) });
}
