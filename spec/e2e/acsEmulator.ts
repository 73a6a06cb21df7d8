/**
 * The two ends of ACS that the e2e app talks to, emulated: the app's token server (`/api/acs-token`,
 * minting short-lived JWT-shaped tokens) and the ACS endpoint, which accepts a bearer token only if it
 * was minted here, has not expired and has not been rejected since. Every request is recorded, so
 * the test checks on the server's side what the browser sent.
 */
import { createHmac, randomBytes } from "node:crypto";

/** Long enough that no proactive refresh falls inside the test (the credential's lead is 10 to 20 min). */
export const TOKEN_LIFETIME_MS = 30 * 60_000;

/** A request to the ACS endpoint or the look-alike host, as it arrived. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  /** The Authorization header, if one came. */
  readonly authorization: string | undefined;
  /** The HTTP status the emulator answered with. */
  readonly status: number;
}

const base64url = (value: object | Buffer) =>
  (Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value))).toString("base64url");

/** The bearer token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer (\S+)$/.exec(authorization ?? "");
  return match?.[1];
}

/**
 * Mints tokens and judges them: `mint()` for `/api/acs-token`, `check()` for the ACS endpoint.
 * `rejectTokensMintedSoFar()` is what ACS does when a token is revoked before it expires: every
 * later request with one of those tokens gets a 401, while tokens minted afterwards are accepted.
 */
export class AcsEmulator {
  readonly #key = randomBytes(32);
  readonly #minted: string[] = [];
  readonly #rejected = new Set<string>();
  readonly #expiries = new Map<string, number>();
  readonly acsRequests: RecordedRequest[] = [];
  readonly lookAlikeRequests: RecordedRequest[] = [];

  /** Every token minted so far, oldest first. */
  get minted(): readonly string[] {
    return this.#minted;
  }

  /** A new token: base64url(header).base64url(payload).HMAC signature, valid for TOKEN_LIFETIME_MS. */
  mint(now = Date.now()): { token: string; expiresOn: string } {
    const expiresOn = now + TOKEN_LIFETIME_MS;
    const header = base64url({ alg: "HS256", typ: "JWT" });
    const payload = base64url({
      sub: "8:acs:e2e-user",
      iat: Math.floor(now / 1000),
      exp: Math.floor(expiresOn / 1000),
      jti: this.#minted.length + 1,
    });
    const signature = base64url(createHmac("sha256", this.#key).update(`${header}.${payload}`).digest());
    const token = `${header}.${payload}.${signature}`;
    this.#minted.push(token);
    this.#expiries.set(token, expiresOn);
    return { token, expiresOn: new Date(expiresOn).toISOString() };
  }

  /** True when `token` was minted here, is unexpired and has not been rejected. */
  check(token: string | undefined, now = Date.now()): boolean {
    if (token === undefined || this.#rejected.has(token)) return false;
    const expiry = this.#expiries.get(token);
    return expiry !== undefined && now < expiry;
  }

  rejectTokensMintedSoFar(): void {
    for (const token of this.#minted) this.#rejected.add(token);
  }
}
