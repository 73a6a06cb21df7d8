// What the library's fetch callers (tokenEndpoint, the Entra exchange, createAuthenticatedFetch) need
// to know of an answer that is a redirect, and of an answer they will not read.

/** The statuses a redirect answers with, as fetch follows them (the Fetch standard's redirect statuses). */
export const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/**
 * True for a redirect that was not followed: a 3xx of a request sent with `redirect: "manual"`, or,
 * in a browser, which hides where it leads, an opaque redirect (status 0).
 *
 * @example
 * ```ts
 * if (isRedirectAnswer(response)) throw new TokenEndpointError("…answered with a redirect…", response.status);
 * ```
 */
export function isRedirectAnswer(response: Response): boolean {
  return response.type === "opaqueredirect" || REDIRECT_STATUSES.has(response.status);
}

/**
 * Cancels the body of an answer that will not be read, so that its connection is freed. Best effort:
 * a custom fetch's Response may have no body, or one already locked; nothing is awaited or thrown.
 *
 * @example
 * ```ts
 * discardBody(response);
 * throw failure;
 * ```
 */
export function discardBody(response: Response): void {
  response.body?.cancel().catch(() => undefined);
}
