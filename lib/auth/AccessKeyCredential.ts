import { InvalidAccessKeyError } from "../errors.js";
import { isBase64 } from "./webCrypto.js";

/**
 * Anything with an access `key`: this library's AccessKeyCredential, or `@azure/core-auth`'s
 * `AzureKeyCredential`.
 *
 * @example
 * ```ts
 * const credential: KeyCredential = new AzureKeyCredential(process.env.ACS_KEY!); // from @azure/core-auth
 * ```
 */
export interface KeyCredential {
  readonly key: string;
}

function checkedKey(key: unknown): string {
  if (typeof key !== "string" || key === "") {
    throw new InvalidAccessKeyError("The access key must be a non-empty string.");
  }
  if (!isBase64(key)) throw new InvalidAccessKeyError("The access key must be base64, as the Azure portal shows it.");
  return key;
}

/**
 * The access key of an ACS resource, for signing requests with HMAC-SHA256. Structurally an
 * `AzureKeyCredential` of `@azure/core-auth` (a `key` and `update(newKey)` for rotation), but the key
 * is checked up front and never shows in `util.inspect`, `console.log` or `JSON.stringify`.
 *
 * @example
 * ```ts
 * const credential = new AccessKeyCredential(process.env.ACS_ACCESS_KEY!);
 * const headers = await signRequest({ method: "GET", url }, credential);
 * credential.update(rotatedKey); // the next request is signed with the new key
 * ```
 */
export class AccessKeyCredential implements KeyCredential {
  #key: string;

  /** @throws InvalidAccessKeyError for an empty or non-base64 key; the message never holds the key. */
  constructor(key: string) {
    this.#key = checkedKey(key);
  }

  /** The current key. */
  get key(): string {
    return this.#key;
  }

  /**
   * Rotates the key; requests signed from now on use the new one.
   *
   * @throws InvalidAccessKeyError for an empty or non-base64 key, keeping the old one.
   */
  update(newKey: string): void {
    this.#key = checkedKey(newKey);
  }

  /** A summary without the key, for `JSON.stringify`. */
  toJSON(): { key: "[redacted]" } {
    return { key: "[redacted]" };
  }

  /** A summary without the key, for Node's `util.inspect` and `console.log`. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return "AccessKeyCredential { key: [redacted] }";
  }
}
