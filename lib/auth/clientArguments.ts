import { InvalidEndpointError } from "../errors.js";
import type { CommunicationTokenCredential } from "../credential/CommunicationTokenCredential.js";
import type { KeyCredential } from "./AccessKeyCredential.js";
import { parseConnectionString } from "./connectionString.js";

/** A credential with `getToken(options)`: this library's, or the `CommunicationTokenCredential` of `@azure/communication-common`. */
export type TokenCredentialLike = Pick<CommunicationTokenCredential, "getToken">;

/** The endpoint and credential an ACS client needs. */
export interface ClientArguments {
  readonly url: string;
  readonly credential: KeyCredential | TokenCredentialLike;
}

/** True for a key credential: a string `key` and no `getToken`, as `@azure/communication-common` decides. */
export function isKeyCredential(credential: unknown): credential is KeyCredential {
  const candidate = credential as { key?: unknown; getToken?: unknown } | null | undefined;
  return typeof candidate?.key === "string" && candidate.getToken === undefined;
}

/** True for a token credential: a `getToken` function. */
export function isTokenCredential(credential: unknown): credential is TokenCredentialLike {
  return typeof (credential as { getToken?: unknown } | null | undefined)?.getToken === "function";
}

/**
 * Throws InvalidEndpointError unless `endpoint` is an http(s) URL with a host and no path. A value
 * that is not a URL at all is not repeated in the message: it may be a connection string passed by
 * mistake, key included.
 */
export function assertValidEndpoint(endpoint: string): void {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new InvalidEndpointError(
      "Invalid endpoint url: it is not an absolute URL such as https://contoso.communication.azure.com.",
    );
  }
  const problem = !/^https?:$/.test(url.protocol)
    ? "it must be http or https"
    : url.host === ""
      ? "it has no host"
      : url.pathname !== "" && url.pathname !== "/"
        ? "it must have no path"
        : undefined;
  if (problem !== undefined)
    throw new InvalidEndpointError(`Invalid endpoint url ${url.protocol}//${url.host}${url.pathname}: ${problem}.`);
}

/**
 * The arguments of an ACS client constructor, as `@azure/communication-common` reads them: an
 * endpoint and a credential (key or token), or a connection string. The endpoint is validated.
 *
 * @example
 * ```ts
 * parseClientArguments("endpoint=https://contoso.communication.azure.com/;accesskey=…");
 * parseClientArguments("https://contoso.communication.azure.com", new AccessKeyCredential(key));
 * parseClientArguments("https://contoso.communication.azure.com", tokenCredential);
 * ```
 */
export function parseClientArguments(connectionStringOrUrl: string, credentialOrOptions?: unknown): ClientArguments {
  if (isKeyCredential(credentialOrOptions) || isTokenCredential(credentialOrOptions)) {
    assertValidEndpoint(connectionStringOrUrl);
    return { url: connectionStringOrUrl, credential: credentialOrOptions };
  }
  const { endpoint, credential } = parseConnectionString(connectionStringOrUrl);
  assertValidEndpoint(endpoint);
  return { url: endpoint, credential };
}
