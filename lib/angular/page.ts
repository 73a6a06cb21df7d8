/**
 * The page's base URL (`document.baseURI`, a `<base href>` included), against which `HttpClient` and
 * the browser resolve a relative URL; undefined where there is no document (a server, Node).
 */
export function documentBase(): string | undefined {
  return typeof document === "undefined" ? undefined : document.baseURI;
}

/**
 * `url` resolved against the page, or undefined when it cannot be: a relative URL where there is no
 * page (server-side rendering, tests in Node), or no URL at all.
 *
 * @example
 * ```ts
 * resolveOnPage("/api/acs-token"); // URL https://app.example/api/acs-token on https://app.example/; undefined in Node
 * ```
 */
export function resolveOnPage(url: string): URL | undefined {
  try {
    return new URL(url, documentBase());
  } catch {
    return undefined;
  }
}
