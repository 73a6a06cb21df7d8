import { jwtDecode } from "jwt-decode";
import type { ReceivedToken } from "../../token/issuerClock.js";

/**
 * How far a peer's issuer clock offset may lie from this tab's own (the offset of this tab's last own
 * refresher result, or zero before its first; never a peer's, so that peers cannot walk it away):
 * five minutes. Every tab of an origin runs on one machine and
 * asks one issuer, so their offsets agree to within the noise of measuring them; a peer whose offset
 * is further off would move a token's expiry on this tab's clock by more than the issuer's clock does.
 */
export const MAX_PEER_OFFSET_DRIFT_MS = 5 * 60 * 1000;

interface IdentityClaims {
  readonly skypeid?: unknown;
  readonly sub?: unknown;
  readonly resourceId?: unknown;
  readonly iat?: unknown;
}

function claimsOf(token: string): IdentityClaims | undefined {
  try {
    const claims = jwtDecode<IdentityClaims>(token);
    return typeof claims === "object" && claims !== null ? claims : undefined;
  } catch {
    return undefined;
  }
}

const text = (value: unknown): string | null => (typeof value === "string" ? value : null);

/**
 * Whose token `token` is: for an ACS JWT its `skypeid` (else `sub`) and its `resourceId`, where
 * present, as one string; undefined for an opaque token, which names nobody. Two tokens of one user
 * of one Communication Services resource have the same identity.
 *
 * @example
 * ```ts
 * tokenIdentity(aliceJwt) === tokenIdentity(alicesNextJwt); // true
 * tokenIdentity(aliceJwt) === tokenIdentity(malloryJwt); // false
 * ```
 */
export function tokenIdentity(token: string): string | undefined {
  const claims = claimsOf(token);
  if (claims === undefined) return undefined;
  return JSON.stringify([text(claims.skypeid) ?? text(claims.sub), text(claims.resourceId)]);
}

/** A JWT's `iat` in milliseconds, or undefined for a token without a finite numeric one. */
export function issuedAtOf(token: string): number | undefined {
  const iat = claimsOf(token)?.iat;
  return typeof iat === "number" && Number.isFinite(iat) ? iat * 1000 : undefined;
}

/**
 * Whether a peer's token may be this tab's at all (C26): of the same identity as `known`, the last
 * token this tab held (expired or not), and carrying a clock offset within MAX_PEER_OFFSET_DRIFT_MS
 * of `referenceOffsetMs`, the offset of this tab's own last refresher result (zero before its first).
 * The reference is never taken from a peer's token: were it, forged tokens each a few minutes further
 * off would walk it away until real tokens were refused. A tab that has held no token yet takes any
 * identity. Never throws.
 *
 * @example
 * ```ts
 * if (isPeerTokenForThisTab(received, lastHeld, ownOffsetMs)) offerToTheCredential(received);
 * ```
 */
export function isPeerTokenForThisTab(
  candidate: ReceivedToken,
  known: ReceivedToken | undefined,
  referenceOffsetMs: number,
): boolean {
  if (!(Math.abs(candidate.clockOffsetMs - referenceOffsetMs) <= MAX_PEER_OFFSET_DRIFT_MS)) return false;
  return known === undefined || tokenIdentity(candidate.token.token) === tokenIdentity(known.token.token);
}

/**
 * Whether `candidate`, a token of the same identity, is newer than `held`: another token, issued
 * later. Issue times are compared where both tokens carry an `iat` (a token with one is newer than a
 * token without, whatever either claims about its expiry, so a planted far-future token never keeps a
 * real one out); between tokens without one, it is the later expiry, or with `orSameExpiry` (a refresh
 * is meant to replace `held`) one no earlier. Both `iat`s are on the one issuer's clock, so they are
 * compared as they are, never moved by the offsets the tokens claim (a sender picks those); a peer's
 * `iat` ahead of this tab's clock (judged by the tab's own offset) never gets this far (see
 * readTokenMessage).
 *
 * @example
 * ```ts
 * isNewerToken(tokenIssuedAt(10), tokenIssuedAt(9), false); // true, however long either lasts
 * isNewerToken(held, held, true); // false: the same token
 * ```
 */
export function isNewerToken(candidate: ReceivedToken, held: ReceivedToken, orSameExpiry: boolean): boolean {
  if (candidate.token.token === held.token.token) return false;
  const candidateIat = issuedAtOf(candidate.token.token);
  const heldIat = issuedAtOf(held.token.token);
  if (candidateIat !== undefined || heldIat !== undefined) {
    return candidateIat !== undefined && (heldIat === undefined || candidateIat > heldIat);
  }
  const [expires, heldExpires] = [candidate.token.expiresOnTimestamp, held.token.expiresOnTimestamp];
  return orSameExpiry ? expires >= heldExpires : expires > heldExpires;
}
