/**
 * The token server's tokens: unsigned JWTs (`alg: "none"`, empty signature, RFC 7519 §6.1) with `iat`
 * and `exp`. Neither library checks a signature, only reads `exp`, so an unsigned token tests the same.
 */

function part(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

/** A JWT issued at `issuedAtMs` that expires `lifetimeMs` later (both rounded down to whole seconds). */
export function mintUnsignedJwt(issuedAtMs: number, lifetimeMs: number): string {
  const iat = Math.floor(issuedAtMs / 1000);
  const exp = Math.floor((issuedAtMs + lifetimeMs) / 1000);
  return `${part({ alg: "none", typ: "JWT" })}.${part({ sub: "soak-user", iat, exp })}.`;
}

/** The `exp` of a JWT, in milliseconds since the epoch; undefined when it cannot be read. */
export function expiryOfJwt(token: string): number | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as {
      exp?: unknown;
    };
    return typeof payload.exp === "number" ? payload.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
