import type { TokenCredentialLike } from "../types.js";
import type { KeyCredential } from "./AccessKeyCredential.js";
import { parseConnectionString } from "./connectionString.js";
import { assertValidEndpoint } from "../support/endpoint.js";

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
 * The arguments of an ACS client constructor, as `@azure/communication-common` reads them: an
 * endpoint and a credential (key or token), or a connection string. The endpoint is validated; one
 * given on its own is passed on as written, as the Azure SDK does, while one from a connection string
 * comes in parseConnectionString's form (the origin, no trailing slash).
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
  return { url: endpoint, credential };
}
