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

/** Decodes `%XX` byte by byte, as ASCII; never throws (malformed UTF-8 is no concern of an ASCII check). */
function percentDecoded(text: string): string {
  return text.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/**
 * True for a path that a back end may read as another path than the URL parser did, so that a request
 * that seems to stay under a resource's path lands outside it: a segment holding an encoded `/` or `\`
 * (`..%2Fadmin`), a `;` path parameter (Tomcat and Spring read `/acs/..;/admin` as `/admin`), or a
 * segment that is `.` or `..` once decoded. The URL parser has already resolved the dot segments it
 * knows (`..`, `%2e%2e`); what is left here is decoded again and again (`%252F` is `%2F` to a back end
 * that decodes once more), a few times at most.
 */
function isAmbiguousPath(pathname: string): boolean {
  return pathname.split("/").some((segment) => {
    let decoded = segment;
    for (let round = 0; round < 4; round += 1) {
      if (/[/\\;]/.test(decoded) || isDotSegmentToSomeone(decoded)) return true;
      const next = percentDecoded(decoded);
      if (next === decoded) return false;
      decoded = next;
    }
    return true; // still encoded after four rounds: no real path looks like that
  });
}

// Slashes and dots that are not ASCII but that a back end normalising Unicode reads as one.
const LOOK_ALIKE_SEPARATORS = /[\u2024\u2044\u2215\u29f8\ufe52\uff0e\uff0f\uff3c]/;

/**
 * True for a segment some back end reads as `.` or `..`, or as holding a separator: dots with white
 * space or more dots (Windows and IIS trim trailing dots and spaces: `..%20`, `...`), bytes that are
 * no UTF-8 (`%c0%ae`, an overlong `.` some decoders accept), and Unicode look-alikes of `.`, `/` and
 * `\` (full-width `．`, `∕`), also after NFKC normalisation.
 */
function isDotSegmentToSomeone(segment: string): boolean {
  if (/^[.\s]+$/.test(segment) && segment.includes(".")) return true;
  let text: string;
  try {
    text = decodeURIComponent(segment);
  } catch {
    return /%[89a-f][0-9a-f]/i.test(segment); // bytes that are no UTF-8: an overlong or stray byte
  }
  const normal = text.normalize("NFKC");
  return LOOK_ALIKE_SEPARATORS.test(text) || /[/\\]/.test(normal) || (/^[.\s]+$/.test(normal) && normal.includes("."));
}

/** Whether `target` is `resource` or lies below it (see createResourceMatcher). */
function isWithin(target: URL, { origin, path }: Resource): boolean {
  if (originOf(target) !== origin) return false;
  if (path === "") return true; // the whole origin is listed: nothing to escape from
  return (target.pathname === path || target.pathname.startsWith(`${path}/`)) && !isAmbiguousPath(target.pathname);
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
 * Under an entry with a path (`https://host/acs/`), a URL whose path a back end could read as leaving
 * that path does not pass: an encoded slash or backslash (`%2F`, `%5C`) or a `;` path parameter in any
 * segment, or a segment that is `.` or `..` once percent-decoded (`/acs/..%2Fadmin`, `/acs/..;/admin`,
 * `/acs/%252e%252e/admin`). Such a request is treated as any other unlisted one: it gets no credential.
 * An entry that is a bare origin lists every path of it, so these paths pass there.
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
 * const isChat = createResourceMatcher(["https://contoso.communication.azure.com/chat/"], "protectedResources");
 * isChat("https://contoso.communication.azure.com/chat/..%2Fidentities"); // false: a back end may decode it
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
    return allowed.some((resource) => isWithin(target, resource));
  };
}
