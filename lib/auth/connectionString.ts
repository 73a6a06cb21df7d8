import { InvalidAccessKeyError, InvalidConnectionStringError } from "../errors.js";
import { AccessKeyCredential } from "./AccessKeyCredential.js";

/** What a connection string holds. */
export interface ParsedConnectionString {
  /** The resource endpoint, e.g. `https://contoso.communication.azure.com/`. */
  readonly endpoint: string;
  /** The resource's access key. */
  readonly credential: AccessKeyCredential;
}

function invalid(reason: string): InvalidConnectionStringError {
  return new InvalidConnectionStringError(`Invalid connection string: ${reason}`);
}

/**
 * Reads an ACS connection string, `endpoint=https://…;accesskey=…` (part names in any case, in any
 * order, a trailing `;` allowed), into the endpoint and a key credential. Errors say what is wrong
 * and never repeat the string or the key (the Azure SDK puts the whole string, key included, in its
 * error message).
 *
 * @example
 * ```ts
 * const { endpoint, credential } = parseConnectionString(process.env.ACS_CONNECTION_STRING!);
 * ```
 */
export function parseConnectionString(connectionString: string): ParsedConnectionString {
  if (typeof connectionString !== "string" || connectionString.trim() === "") {
    throw invalid("it must be a non-empty string.");
  }
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
  try {
    return { endpoint, credential: new AccessKeyCredential(accessKey) };
  } catch (error) {
    if (!(error instanceof InvalidAccessKeyError)) throw error;
    throw invalid(`its accesskey is unusable. ${error.message}`);
  }
}
