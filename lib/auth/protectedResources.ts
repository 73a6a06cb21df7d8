/** One listed resource, reduced to what a request must equal (scheme, host, port) and continue (path). */
interface Resource {
  /** `scheme://host[:port]`; not `URL.origin`, which a `blob:https://…` URL shares with its inner URL. */
  readonly origin: string;
  /** The resource's path without its trailing `/`: `""` for a bare origin, `/chat` for `…/chat/`. */
  readonly path: string;
}

function originOf(url: URL): string {
  return `${url.protocol}//${url.host}`;
}

function resourceOf(value: unknown, name: string): Resource {
  let url: URL;
  try {
    url = new URL(value as string);
  } catch {
    // The value is not echoed: a string that is no URL may be a connection string pasted by mistake.
    throw new TypeError(`${name} must be an absolute URL such as https://contoso.communication.azure.com.`);
  }
  // Only the scheme is shown: the rest of a URL of another scheme has no host to split a login from.
  if (!/^https?:$/.test(url.protocol))
    throw new TypeError(`${name} must be an http or https URL, not ${url.protocol}.`);
  const raw = String(value);
  const problem =
    url.username !== "" || url.password !== ""
      ? "must not carry a login (name:password@) before the host"
      : url.search !== "" || raw.includes("?")
        ? "must have no query"
        : url.hash !== "" || raw.includes("#")
          ? "must have no fragment"
          : undefined;
  // Only the scheme and host are shown: a login, a path, a query or a fragment may hold a secret.
  if (problem !== undefined) throw new TypeError(`${name} ${problem}; got ${url.protocol}//${url.host}.`);
  return { origin: originOf(url), path: url.pathname.replace(/\/$/, "") };
}

function parsed(url: string | URL, base: string | URL | undefined): URL | undefined {
  try {
    return new URL(url, base);
  } catch {
    return undefined;
  }
}

/**
 * A test of "may this request carry the credential?", for code that must not hand a token or an
 * access-key signature to a host it was not meant for. A URL passes when its scheme, host and port
 * equal those of one of `resources` (host case-insensitive, default ports dropped, as URL parsing
 * does) and its path is the resource's path or continues it at a `/`. URLs are compared parsed,
 * never as strings, because a string prefix also admits `https://contoso.communication.azure.com.evil.example`,
 * `https://contoso.communication.azure.com@evil.example` and `/chat` for `/chatty`.
 *
 * The list is checked at once, so a typo fails at start-up rather than as a 401 later: each entry must
 * be an absolute http(s) URL without a login, query or fragment, and the list must not be empty (an
 * empty list would silently send every request without credentials). Errors are `TypeError`s that
 * name `optionName` and the entry's index, and show at most its scheme and host.
 *
 * The returned test resolves a relative URL against `base` when given; a URL that does not parse
 * (relative without a base) never passes, so nothing unexpected is authenticated.
 *
 * @example
 * ```ts
 * const isAcs = createResourceMatcher(["https://contoso.communication.azure.com"], "protectedResources");
 * isAcs("https://CONTOSO.communication.azure.com:443/chat/threads"); // true
 * isAcs("https://contoso.communication.azure.com.evil.example/chat"); // false
 * isAcs("/chat/threads", document.baseURI); // true only when the page itself is on that origin
 * ```
 */
export function createResourceMatcher(
  resources: readonly string[],
  optionName: string,
): (url: string | URL, base?: string | URL) => boolean {
  if (!Array.isArray(resources)) {
    throw new TypeError(`${optionName} must be an array of URLs such as ["https://contoso.communication.azure.com"].`);
  }
  if (resources.length === 0) {
    throw new TypeError(`${optionName} is empty: no request would carry credentials. List at least one URL.`);
  }
  const allowed = resources.map((value, index) => resourceOf(value, `${optionName}[${index}]`));
  return (url, base) => {
    const target = parsed(url, base);
    if (target === undefined) return false;
    return allowed.some(
      ({ origin, path }) =>
        originOf(target) === origin && (target.pathname === path || target.pathname.startsWith(`${path}/`)),
    );
  };
}
