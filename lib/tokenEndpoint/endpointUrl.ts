import { describeOptionValue } from "../support/optionNames.js";
import { assertSecureUrl } from "../support/secureUrl.js";

// The token endpoint's address: checked and resolved once, when the refresher is made, and named in
// messages by its origin. A path often holds the user's id (`/users/user-998/acs-token`), which does
// not belong in an app's error reports and logs: it is shown only when `pathInMessages` asks for it.
// A query may carry a secret (`?code=…`), and a URL's user name and password are not part of its
// origin: neither is ever shown.

// The start of an address as typed, for a message about one that does not parse: its scheme and host
// part, or with `withPath` all of it up to its query; in either case nothing of it up to a last "@",
// where a user name and password would be (in any of the spellings a URL parser forgives).
function typedPart(url: string, withPath: boolean): string {
  const beforeQuery = url.split(/[?#]/, 1)[0] ?? "";
  const shown = withPath ? beforeQuery : (/^[a-z][a-z\d+.-]*:[\\/]*[^\\/]*/i.exec(beforeQuery)?.[0] ?? "");
  const login = shown.lastIndexOf("@");
  return JSON.stringify((login === -1 ? shown : `…${shown.slice(login + 1)}`).slice(0, 80));
}

// The base a relative address is resolved against, as fetch and HttpClient do in a browser: the
// document's base URI (a <base href> included), else the page's address; undefined in Node.
function pageAddress(): string | undefined {
  const page = globalThis as { document?: { baseURI?: unknown }; location?: { href?: unknown } };
  const base = page.document?.baseURI ?? page.location?.href;
  return typeof base === "string" ? base : undefined;
}

/** How tokenEndpoint checks and names its URL: its options `pathInMessages` and `allowInsecureConnection`. */
export interface EndpointUrlRules {
  /** Messages name the endpoint by origin and path, rather than by origin alone. */
  readonly pathInMessages: boolean;
  /** A plain `http:` URL to a host that is not a loopback one is let through (tests only). */
  readonly allowInsecureConnection: boolean;
}

/**
 * The token endpoint's URL, absolute: a URL or a string, resolved against the page's base URI when
 * there is a page. Throws a TypeError when `url` is neither, is relative where there is no page
 * (Node), cannot be parsed, is not `http:` or `https:`, or holds a user name or password; and an
 * InsecureConnectionError when, once resolved, it is plain `http:` to a host that is not a loopback
 * one (A1), unless `allowInsecureConnection`. The messages never repeat a query, a user name or a
 * password, nor a path unless `pathInMessages`.
 */
export function resolveEndpointUrl(url: unknown, rules: EndpointUrlRules): URL {
  if (!(url instanceof URL) && typeof url !== "string") {
    throw new TypeError(`tokenEndpoint: url must be a string or a URL; got ${describeOptionValue(url)}.`);
  }
  const base = pageAddress();
  let resolved: URL;
  try {
    resolved = new URL(url, base);
  } catch {
    const text = String(url);
    const relative = base === undefined && !/^[a-z][a-z\d+.-]*:/i.test(text);
    throw new TypeError(
      relative
        ? `tokenEndpoint: url must be absolute, such as https://contoso.example/api/acs-token, where there is ` +
            `no page to resolve ${rules.pathInMessages ? typedPart(text, true) : "a relative one"} against.`
        : `tokenEndpoint: url ${typedPart(text, rules.pathInMessages)} is not a valid URL.`,
    );
  }
  if (resolved.protocol !== "https:" && resolved.protocol !== "http:") {
    throw new TypeError(`tokenEndpoint: url must be an http: or https: URL, not ${resolved.protocol}.`);
  }
  if (resolved.username !== "" || resolved.password !== "") {
    // fetch refuses such a URL at every call; said once, here, without repeating them.
    throw new TypeError(
      "tokenEndpoint: url must not contain a user name or password, which fetch refuses; send credentials in " +
        "options.init.headers.",
    );
  }
  assertSecureUrl(resolved, "fetch a token from", rules.allowInsecureConnection);
  return resolved;
}

/**
 * The endpoint as messages name it: its origin, or with `pathInMessages` its origin and path; never a
 * user name, password, query or fragment.
 */
export function describeEndpoint(url: URL, pathInMessages: boolean): string {
  return pathInMessages ? `${url.origin}${url.pathname}` : url.origin;
}

/**
 * A token URL as given to Angular's `tokenUrl` (resolved against the page, if any), as messages name
 * it: its origin; a relative one where there is no page to resolve it against, as such.
 */
export function describeTokenUrl(url: string): string {
  try {
    return new URL(url, pageAddress()).origin;
  } catch {
    return "(a relative URL)";
  }
}
