/**
 * Error classes of the credential. Each has a fixed `name`, and `instanceof` compares that name rather
 * than the prototype, so errors still match when an app ends up with two copies of this package (an
 * ESM and a CommonJS copy, or one per micro-frontend). Messages never contain a token.
 */

function hasErrorName(value: unknown, name: string): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { name?: unknown }).name === name &&
    typeof (value as { message?: unknown }).message === "string"
  );
}

/**
 * The credential was disposed: `getToken()` and `refresh()` calls pending at that moment, and every
 * later one, reject with this error.
 *
 * @example
 * ```ts
 * credential.dispose();
 * await credential.getToken().catch((error) => error instanceof CredentialDisposedError); // true
 * ```
 */
export class CredentialDisposedError extends Error {
  override readonly name = "CredentialDisposedError";

  constructor(message = "The credential is disposed.") {
    super(message);
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasErrorName(value, "CredentialDisposedError");
  }
}

/**
 * A token that has expired was about to be handed out: a static token past its expiry, or a
 * `tokenRefresher` result that was already expired (the previous token is kept).
 *
 * @example
 * ```ts
 * const credential = new CommunicationTokenCredential(expiredJwt);
 * await credential.getToken().catch((error) => error instanceof TokenExpiredError); // true
 * ```
 */
export class TokenExpiredError extends Error {
  override readonly name = "TokenExpiredError";

  /**
   * @param message what expired and what to do about it.
   * @param expiresOnTimestamp when the token expired, in milliseconds since the epoch.
   */
  constructor(
    message: string,
    readonly expiresOnTimestamp: number,
  ) {
    super(message);
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasErrorName(value, "TokenExpiredError");
  }
}

/**
 * A token given to the constructor, or returned by the `tokenRefresher`, is not usable: an empty
 * string, a string that is no token (JSON text, a `Bearer ` prefix, `undefined`, an error text such as
 * `Unauthorized`, a JWT cut short), not a string or AccessToken, or an AccessToken whose expiry is not
 * a finite number or an ISO 8601 date-time with a time zone. The message names the likely mistake and
 * never contains the token.
 *
 * @example
 * ```ts
 * try {
 *   new CommunicationTokenCredential("  ");
 * } catch (error) {
 *   error instanceof InvalidTokenError; // true
 * }
 * ```
 */
export class InvalidTokenError extends Error {
  override readonly name = "InvalidTokenError";

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasErrorName(value, "InvalidTokenError");
  }
}

/**
 * The `tokenRefresher` did not settle within `refreshTimeoutMs`. Its abort signal was aborted with
 * this error as the reason, and whatever it returns later is ignored.
 *
 * @example
 * ```ts
 * const credential = new CommunicationTokenCredential({
 *   tokenRefresher: () => new Promise<string>(() => {}), // never settles
 *   refreshTimeoutMs: 5_000,
 * });
 * await credential.getToken().catch((error) => error instanceof RefreshTimeoutError); // true, after 5 s
 * ```
 */
export class RefreshTimeoutError extends Error {
  override readonly name = "RefreshTimeoutError";

  /** @param timeoutMs the `refreshTimeoutMs` that ran out. */
  constructor(readonly timeoutMs: number) {
    super(`The tokenRefresher did not settle within ${timeoutMs} ms; the refresh was cancelled.`);
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasErrorName(value, "RefreshTimeoutError");
  }
}

/**
 * A communication identifier, raw id or serialized identifier is not usable: not an object, a field of
 * the wrong type, a required field missing, more than one kind at once. The message names the field.
 *
 * @example
 * ```ts
 * try {
 *   getIdentifierRawId({ phoneNumber: 14255550123 } as unknown as CommunicationIdentifier);
 * } catch (error) {
 *   error instanceof InvalidIdentifierError; // true: "The identifier's phoneNumber must be a string; got a number."
 * }
 * ```
 */
export class InvalidIdentifierError extends Error {
  override readonly name = "InvalidIdentifierError";

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasErrorName(value, "InvalidIdentifierError");
  }
}

/**
 * A connection string is not `endpoint=…;accesskey=…`. The message says what is missing or wrong and
 * never repeats the connection string, which holds the access key.
 *
 * @example
 * ```ts
 * try {
 *   parseConnectionString(process.env.ACS_CONNECTION_STRING ?? "");
 * } catch (error) {
 *   error instanceof InvalidConnectionStringError; // true for an empty or malformed string
 * }
 * ```
 */
export class InvalidConnectionStringError extends Error {
  override readonly name = "InvalidConnectionStringError";

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasErrorName(value, "InvalidConnectionStringError");
  }
}

/**
 * An access key is empty or not base64. The message never contains the key.
 *
 * @example
 * ```ts
 * try {
 *   new AccessKeyCredential("not base64!");
 * } catch (error) {
 *   error instanceof InvalidAccessKeyError; // true
 * }
 * ```
 */
export class InvalidAccessKeyError extends Error {
  override readonly name = "InvalidAccessKeyError";

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasErrorName(value, "InvalidAccessKeyError");
  }
}

/**
 * An endpoint is not an http(s) URL with a host and no path. The message starts with the Azure SDK's
 * "Invalid endpoint url".
 *
 * @example
 * ```ts
 * try {
 *   parseClientArguments("file://banana/fofana.txt", new AccessKeyCredential(key));
 * } catch (error) {
 *   error instanceof InvalidEndpointError; // true
 * }
 * ```
 */
export class InvalidEndpointError extends Error {
  override readonly name = "InvalidEndpointError";

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasErrorName(value, "InvalidEndpointError");
  }
}

/**
 * A bearer token was about to travel over plain `http://` to a host that is not a loopback one
 * (`localhost`, 127.0.0.0/8, `[::1]`). Like the Azure SDK's bearer policy, this library refuses: the
 * token would be readable on the network. The message names the origin, never the token.
 *
 * @example
 * ```ts
 * const acsFetch = createAuthenticatedFetch(credential);
 * await acsFetch("http://contoso.communication.azure.com/chat/threads").catch(
 *   (error) => error instanceof InsecureConnectionError, // true
 * );
 * ```
 */
export class InsecureConnectionError extends Error {
  override readonly name = "InsecureConnectionError";

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasErrorName(value, "InsecureConnectionError");
  }
}

// The names of the errors that carry an HTTP status, for HttpStatusError's cross-realm instanceof.
const HTTP_STATUS_ERROR_NAMES: ReadonlySet<string> = new Set([
  "HttpStatusError",
  "TokenEndpointError",
  "TokenExchangeError",
]);

/**
 * A server answered with an error status: `status` is that status, and `retryAfterMs` the wait, in
 * milliseconds, its `Retry-After` (or `retry-after-ms`) asked for before the next request, undefined
 * when it did not say. The credential's background retry waits at least `retryAfterMs` (C13). The
 * base of {@link TokenEndpointError} and {@link TokenExchangeError}: catch it to handle both alike.
 *
 * @example
 * ```ts
 * await credential.getToken().catch((error) => {
 *   if (error instanceof HttpStatusError && (error.status === 401 || error.status === 403)) return signInAgain();
 *   if (error instanceof HttpStatusError && error.retryAfterMs !== undefined) return showBusyFor(error.retryAfterMs);
 *   throw error;
 * });
 * ```
 */
export class HttpStatusError extends Error {
  /** "HttpStatusError"; each subclass has a name of its own. */
  override readonly name: string = "HttpStatusError";
  /** The HTTP status of the answer. */
  readonly status: number;
  /** The wait the answer's `Retry-After` asked for, in milliseconds; undefined when it did not say. */
  readonly retryAfterMs: number | undefined;

  /**
   * @param message what the server answered, without a token, a URL's query or the body's secrets.
   * @param status the HTTP status of the answer.
   * @param retryAfterMs the wait its `Retry-After` asked for, in milliseconds, if any.
   */
  constructor(message: string, status: number, retryAfterMs?: number) {
    super(message);
    this.status = status;
    this.retryAfterMs = retryAfterMs;
  }

  // By name for this class, as every error here, so that TokenEndpointError and TokenExchangeError of
  // another copy of the package match too; by prototype for the user's own subclasses, and for a
  // subclass of theirs asked about (`error instanceof MyStatusError`) by prototype only.
  static override [Symbol.hasInstance](value: unknown): boolean {
    const byPrototype = typeof value === "object" && value !== null && this.prototype.isPrototypeOf(value);
    if (this !== HttpStatusError) return byPrototype;
    return byPrototype || [...HTTP_STATUS_ERROR_NAMES].some((name) => hasErrorName(value, name));
  }
}

/**
 * The exchange of an Entra ID token for an ACS token failed: the service answered with an error
 * status (after the retries, for 429 and 5xx), or with a body that holds no token. `status` is the
 * HTTP status; the message never contains a token. A 429 or 5xx whose `Retry-After` asks for a wait
 * that would end after the refresh's deadline (`refreshTimeoutMs`) fails at once, with that wait as
 * `retryAfterMs`, rather than running into a RefreshTimeoutError.
 *
 * @example
 * ```ts
 * await credential.getToken().catch((error) => {
 *   if (error instanceof TokenExchangeError && error.status === 401) signInAgain();
 * });
 * ```
 *
 * @example Honouring throttling
 * ```ts
 * await credential.getToken().catch((error) => {
 *   if (error instanceof TokenExchangeError && error.retryAfterMs !== undefined) {
 *     setTimeout(() => void credential.getToken(), error.retryAfterMs); // sooner would be refused again
 *   }
 * });
 * ```
 */
export class TokenExchangeError extends HttpStatusError {
  override readonly name = "TokenExchangeError";

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasErrorName(value, "TokenExchangeError");
  }
}

/**
 * A token endpoint called by `tokenEndpoint(url)` answered with a status outside 200–299. `status` is
 * that status. For a 429 or 503 whose `Retry-After` said when to come back (in seconds or as an HTTP
 * date), `retryAfterMs` is that wait in milliseconds, and the credential's background retry waits at
 * least that long. The message names the status and the endpoint's origin (and its path only with
 * `tokenEndpoint`'s `pathInMessages`), never its query, the answer's body or a token.
 *
 * @example
 * ```ts
 * const credential = new CommunicationTokenCredential({ tokenRefresher: tokenEndpoint("/api/acs-token") });
 * await credential.getToken().catch((error) => {
 *   if (error instanceof TokenEndpointError && error.status === 401) redirectToSignIn();
 *   else throw error;
 * });
 * ```
 */
export class TokenEndpointError extends HttpStatusError {
  override readonly name = "TokenEndpointError";

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasErrorName(value, "TokenEndpointError");
  }
}
