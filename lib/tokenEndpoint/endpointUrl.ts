import { describeOptionValue } from "../support/optionNames.js";

// The token endpoint's address: checked and resolved once, when the refresher is made, and named in
// messages by its origin and path only. A query may carry a secret (`?code=…`), and a URL's user name
// and password are not part of its origin.

// An address as typed, for a message: up to its query, and nothing of it up to a last "@", where a
// user name and password would be (in any of the spellings a URL parser forgives).
function pathPartOf(url: string): string {
  const beforeQuery = url.split(/[?#]/, 1)[0] ?? "";
  const login = beforeQuery.lastIndexOf("@");
  return JSON.stringify((login === -1 ? beforeQuery : `…${beforeQuery.slice(login + 1)}`).slice(0, 80));
}

// The base a relative address is resolved against, as fetch and HttpClient do in a browser: the
// document's base URI (a <base href> included), else the page's address; undefined in Node.
function pageAddress(): string | undefined {
  const page = globalThis as { document?: { baseURI?: unknown }; location?: { href?: unknown } };
  const base = page.document?.baseURI ?? page.location?.href;
  return typeof base === "string" ? base : undefined;
}

/**
 * The token endpoint's URL, absolute: a URL or a string, resolved against the page's address when
 * there is a page (`globalThis.location.href`). Throws a TypeError when `url` is neither, is relative
 * where there is no page (Node), cannot be parsed, is not `http:` or `https:`, or holds a user name or
 * password. The message never repeats a query, a user name or a password.
 */
export function resolveEndpointUrl(url: unknown): URL {
  if (!(url instanceof URL) && typeof url !== "string") {
    throw new TypeError(`tokenEndpoint: url must be a string or a URL; got ${describeOptionValue(url)}.`);
  }
  const base = pageAddress();
  let resolved: URL;
  try {
    resolved = new URL(url, base);
  } catch {
    const text = String(url);
    throw new TypeError(
      base === undefined && !/^[a-z][a-z\d+.-]*:/i.test(text)
        ? `tokenEndpoint: url must be absolute, such as https://contoso.example/api/acs-token, where there is ` +
            `no page to resolve ${pathPartOf(text)} against.`
        : `tokenEndpoint: url ${pathPartOf(text)} is not a valid URL.`,
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
  return resolved;
}

/** The endpoint as messages name it: origin and path, without user name, password, query or fragment. */
export function describeEndpoint(url: URL): string {
  return `${url.origin}${url.pathname}`;
}
