import { InsecureConnectionError } from "../errors.js";

// The one rule for where a token may travel (A1): over https, or over plain http to a host that never
// leaves the machine. Bearer tokens sent by createAuthenticatedFetch, the Entra token sent to the
// exchange, and the ACS token tokenEndpoint fetches all follow it, as the Azure SDK's bearer policy
// does; allowInsecureConnection lifts it, for tests against an emulator on another machine.

const LOOPBACK_RANGE = "localhost, 127.0.0.0/8, [::1]";

/**
 * True for a host that never leaves the machine: `localhost`, 127.0.0.0/8 or `[::1]`. Not
 * `*.localhost`: browsers resolve it to loopback, but Node asks DNS, which may answer anything.
 *
 * @example
 * ```ts
 * isLoopbackHost("127.0.0.1"); // true
 * isLoopbackHost("localhost.example.com"); // false
 * ```
 */
function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === "localhost" || host === "[::1]" || /^127(?:\.\d{1,3}){3}$/.test(host);
}

/**
 * True when a token going to or coming from `url` could be read on the network: neither `https:` nor
 * a loopback host.
 *
 * @example
 * ```ts
 * travelsInClearText(new URL("http://tokens.example.com/acs-token")); // true
 * travelsInClearText(new URL("http://localhost:3000/acs-token")); // false
 * ```
 */
export function travelsInClearText(url: URL): boolean {
  return url.protocol !== "https:" && !isLoopbackHost(url.hostname);
}

/**
 * Throws InsecureConnectionError when a token would travel to or from `url` in clear text (see
 * {@link travelsInClearText}), unless `allowInsecureConnection`. `action` says what was about to
 * happen ("send an Entra ID token to", "fetch a token from"); the message names the URL's origin,
 * never its path or query.
 *
 * @example
 * ```ts
 * assertSecureUrl(new URL("http://tokens.example.com/acs-token"), "fetch a token from");
 * // InsecureConnectionError: Refusing to fetch a token from http://tokens.example.com: …
 * ```
 */
export function assertSecureUrl(url: URL, action: string, allowInsecureConnection = false): void {
  if (allowInsecureConnection || !travelsInClearText(url)) return;
  throw new InsecureConnectionError(
    `Refusing to ${action} ${url.protocol}//${url.host}: a token travels only over https, or over http to a ` +
      `loopback host (${LOOPBACK_RANGE}). Use an https URL, or allowInsecureConnection: true in tests.`,
  );
}

/**
 * Throws a TypeError, when the list is made rather than at its first request, for an entry of
 * `resources` (the option `name`, e.g. "protectedResources") that a bearer token could reach only in
 * clear text; each entry must parse (the resource matcher has checked the list).
 *
 * @example
 * ```ts
 * assertSecureResources(["http://acs.example"], "options.protectedResources");
 * // TypeError: options.protectedResources[0] is http://acs.example: a bearer token travels only over https …
 * ```
 */
export function assertSecureResources(resources: readonly string[], name: string): void {
  for (const [index, resource] of resources.entries()) {
    const url = new URL(resource);
    if (travelsInClearText(url)) {
      throw new TypeError(
        `${name}[${index}] is ${url.protocol}//${url.host}: a bearer token travels only over https or to a ` +
          `loopback host (${LOOPBACK_RANGE}). Use an https URL, or allowInsecureConnection: true in tests.`,
      );
    }
  }
}
