/*
 * The structural types that several parts of the library share. This module imports nothing, so
 * `auth/`, `entra/` and the credential engine can all depend on it without depending on each other.
 */

/**
 * A token and when it expires: the `AccessToken` of `@azure/core-auth`, so the credential plugs into
 * every Azure SDK client.
 *
 * @example
 * ```ts
 * const token: AccessToken = { token: jwt, expiresOnTimestamp: Date.parse("2026-12-01T10:00:00Z") };
 * const credential = new CommunicationTokenCredential(token);
 * ```
 */
export interface AccessToken {
  /** The token string, sent as `Authorization: Bearer <token>`. */
  readonly token: string;
  /** When the token expires, in milliseconds since the epoch. */
  readonly expiresOnTimestamp: number;
}

/**
 * The abort signal a caller may pass: a DOM `AbortSignal`, or the `AbortSignalLike` of
 * `@azure/abort-controller` that Azure SDK clients pass.
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * const pending = credential.getToken({ abortSignal: controller.signal });
 * controller.abort(); // pending rejects with an AbortError; other callers are unaffected
 * ```
 */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: "abort", listener: () => void): void;
}

/**
 * Options of `getToken()` and `refresh()`, as in `@azure/communication-common`.
 *
 * @example
 * ```ts
 * const { token } = await credential.getToken({ abortSignal: AbortSignal.timeout(5_000) });
 * ```
 */
export interface CommunicationGetTokenOptions {
  /** Aborting rejects this call at once with the signal's reason; other callers are unaffected. */
  abortSignal?: AbortSignalLike | undefined;
}

/**
 * A credential with `getToken(options)`: this library's CommunicationTokenCredential, or the
 * `CommunicationTokenCredential` of `@azure/communication-common`.
 *
 * @example
 * ```ts
 * const credential: TokenCredentialLike = new CommunicationTokenCredential({ tokenRefresher });
 * ```
 */
export interface TokenCredentialLike {
  getToken(options?: CommunicationGetTokenOptions): Promise<AccessToken>;
}

/**
 * `fetch`'s signature: what `createAuthenticatedFetch` returns, and the `fetch` option it and the Entra
 * ID credential take (for telemetry, your HTTP stack, or a test double).
 *
 * @example
 * ```ts
 * const loggedFetch: FetchFunction = async (input, init) => {
 *   const response = await fetch(input, init);
 *   console.info(init?.method ?? "GET", String(input), response.status);
 *   return response;
 * };
 * ```
 */
export type FetchFunction = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;
