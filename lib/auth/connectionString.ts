import { InvalidAccessKeyError, InvalidConnectionStringError } from "../errors.js";
import { AccessKeyCredential } from "./AccessKeyCredential.js";
import { assertValidEndpoint } from "../support/endpoint.js";

/** What a connection string holds. */
export interface ParsedConnectionString {
  /**
   * The resource endpoint as its origin: scheme, lower-case host and a port only when it is not the
   * default, with no trailing slash, e.g. `https://contoso.communication.azure.com`. One form whatever
   * the string had, so that `${endpoint}/identities` is always right.
   */
  readonly endpoint: string;
  /** The resource's access key. */
  readonly credential: AccessKeyCredential;
}

function invalid(reason: string): InvalidConnectionStringError {
  return new InvalidConnectionStringError(`Invalid connection string: ${reason}`);
}

// A valid string neither starts nor ends with a quote (a key is base64, an endpoint a URL), so a quote
// there was copied along with the value, from a .env file or JSON.
function quoteMistake(text: string): string | undefined {
  const opens = /^["'`]/.test(text);
  const closes = /["'`]$/.test(text);
  if (!opens && !closes) return undefined;
  const where = opens && closes ? "is wrapped in quotes" : opens ? "starts with a quote" : "ends with a quote";
  return `it ${where}, as copied from a .env file or JSON: pass the value without the quotes.`;
}

/**
 * Reads an ACS connection string, `endpoint=https://…;accesskey=…` (part names in any case, in any
 * order, a trailing `;` allowed), into the endpoint and a key credential. Errors say what is wrong
 * and never repeat the string or the key (the Azure SDK puts the whole string, key included, in its
 * error message); a string still wrapped in the quotes of a .env file is told so.
 *
 * The endpoint comes back as its origin, without a trailing slash (`https://contoso.communication.azure.com`
 * for `https://CONTOSO.communication.azure.com:443/`): strings are written both with and without the
 * slash, and code that joins paths by hand needs one form to join to. To get there it is parsed and
 * checked like any endpoint, so a bad one fails here rather than at the first request.
 *
 * @throws InvalidConnectionStringError for a malformed string or an unusable key.
 * @throws InvalidEndpointError for an endpoint that is not an http(s) URL with only a host.
 * @example
 * ```ts
 * const { endpoint, credential } = parseConnectionString(process.env.ACS_CONNECTION_STRING!);
 * const acsFetch = createAuthenticatedFetch(credential);
 * await acsFetch(`${endpoint}/identities?api-version=2023-10-01`, { method: "POST", body: "{}" });
 * ```
 */
export function parseConnectionString(connectionString: string): ParsedConnectionString {
  if (typeof connectionString !== "string" || connectionString.trim() === "") {
    throw invalid("it must be a non-empty string.");
  }
  const quoted = quoteMistake(connectionString.trim());
  if (quoted !== undefined) throw invalid(quoted);
  const parts = new Map<string, string>();
  for (const [index, part] of connectionString.split(";").entries()) {
    if (part.trim() === "") continue;
    const separator = part.indexOf("=");
    const name = part.slice(0, Math.max(separator, 0)).trim().toLowerCase();
    if (name !== "endpoint" && name !== "accesskey") {
      throw invalid(
        `part ${index + 1} is neither endpoint=… nor accesskey=…; expected "endpoint=https://…;accesskey=…".`,
      );
    }
    if (parts.has(name)) throw invalid(`it has more than one ${name}.`);
    parts.set(name, part.slice(separator + 1).trim());
  }
  const endpoint = parts.get("endpoint");
  const accessKey = parts.get("accesskey");
  if (!endpoint) throw invalid("it has no endpoint=… part.");
  if (!accessKey) throw invalid("it has no accesskey=… part.");
  assertValidEndpoint(endpoint);
  try {
    return { endpoint: new URL(endpoint).origin, credential: new AccessKeyCredential(accessKey) };
  } catch (error) {
    if (!(error instanceof InvalidAccessKeyError)) throw error;
    throw invalid(`its accesskey is unusable. ${error.message}`);
  }
}
