/**
 * SHA-256 and HMAC-SHA256 on Web Crypto (`globalThis.crypto.subtle`), so signing runs the same in
 * Node 20 and in browsers, with no Node-only module.
 */

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** True for a non-empty, padded, standard base64 string. */
export function isBase64(value: string): boolean {
  return value.length > 0 && BASE64.test(value);
}

/** The bytes a base64 string stands for; call isBase64 first. */
export function base64ToBytes(value: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(value), (char) => char.charCodeAt(0));
}

/** The base64 form of bytes. */
export function bytesToBase64(bytes: ArrayBuffer): string {
  let binary = "";
  for (const byte of new Uint8Array(bytes)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function subtle(): SubtleCrypto {
  const crypto = (globalThis as { crypto?: Crypto }).crypto;
  if (crypto?.subtle === undefined) {
    throw new Error(
      "Web Crypto (globalThis.crypto.subtle) is not available: a secure context or Node 20+ is required.",
    );
  }
  return crypto.subtle;
}

/** base64(SHA-256(content)); a string is hashed as UTF-8. */
export async function sha256Base64(content: string | Uint8Array<ArrayBuffer>): Promise<string> {
  const bytes = typeof content === "string" ? new TextEncoder().encode(content) : content;
  return bytesToBase64(await subtle().digest("SHA-256", bytes));
}

/** base64(HMAC-SHA256(key = base64-decoded `base64Key`, message = UTF-8 `content`)). */
export async function hmacSha256Base64(base64Key: string, content: string): Promise<string> {
  const key = await subtle().importKey("raw", base64ToBytes(base64Key), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  return bytesToBase64(await subtle().sign("HMAC", key, new TextEncoder().encode(content)));
}
