import { createAccessToken } from "../../../lib/token/accessToken.js";
import type { ReceivedToken } from "../../../lib/token/issuerClock.js";
import {
  isNewerToken,
  isPeerTokenForThisTab,
  MAX_PEER_OFFSET_DRIFT_MS,
  tokenIdentity,
} from "../../../lib/sharing/tabs/peerTrust.js";
import { acsJwt } from "../../support/fakeTabs.js";
import { HOUR, MINUTE, OPAQUE_TOKEN, START, jwtExpiringAt } from "../../support/tokens.js";

const NOW = START;

function base64Url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

/** A token as a tab holds it: `token`, expiring at `expiresAt` on this machine's clock. */
function held(token: string, expiresAt = NOW + HOUR, clockOffsetMs = 0): ReceivedToken {
  return { token: createAccessToken(token, expiresAt), clockOffsetMs };
}

describe("a token's identity", () => {
  it("C26: is the skypeid, else the sub, with the resourceId where present; an opaque token has none", () => {
    const alice = acsJwt({ expiresAt: NOW + HOUR });
    expect(tokenIdentity(alice)).toBe(tokenIdentity(acsJwt({ issuedAt: NOW + MINUTE, expiresAt: NOW + 2 * HOUR })));
    expect(tokenIdentity(alice)).not.toBe(tokenIdentity(acsJwt({ user: "acs:mallory", expiresAt: NOW + HOUR })));
    expect(tokenIdentity(alice)).not.toBe(tokenIdentity(acsJwt({ resourceId: "resource-2", expiresAt: NOW + HOUR })));
    const bySub = (sub: string) => `${base64Url({ alg: "none" })}.${base64Url({ sub, exp: NOW / 1000 + 3600 })}.c2ln`;
    expect(tokenIdentity(bySub("bob"))).toBe(tokenIdentity(bySub("bob")));
    expect(tokenIdentity(bySub("bob"))).not.toBe(tokenIdentity(bySub("carol")));
    expect(tokenIdentity(OPAQUE_TOKEN)).toBeUndefined();
  });

  it("C26: a tab takes only its own identity's tokens once it has held one, and any before", () => {
    const alice = held(acsJwt({ expiresAt: NOW + HOUR }));
    const mallory = held(acsJwt({ user: "acs:mallory", expiresAt: NOW + 2 * HOUR }));
    expect(isPeerTokenForThisTab(mallory, alice, 0)).toBe(false);
    expect(isPeerTokenForThisTab(held(OPAQUE_TOKEN), alice, 0)).toBe(false);
    expect(isPeerTokenForThisTab(mallory, undefined, 0)).toBe(true);
  });

  it("C26: a peer's clock offset may lie at most MAX_PEER_OFFSET_DRIFT_MS from the tab's own refresher's (zero before its first)", () => {
    const alice = held(acsJwt({ expiresAt: NOW + HOUR }), NOW + HOUR, 2 * MINUTE);
    const offBy = (offset: number) => held(acsJwt({ expiresAt: NOW + HOUR }), NOW + HOUR, offset);
    expect(isPeerTokenForThisTab(offBy(2 * MINUTE + MAX_PEER_OFFSET_DRIFT_MS), alice, 2 * MINUTE)).toBe(true);
    expect(isPeerTokenForThisTab(offBy(2 * MINUTE + MAX_PEER_OFFSET_DRIFT_MS + 1), alice, 2 * MINUTE)).toBe(false);
    expect(isPeerTokenForThisTab(offBy(-MAX_PEER_OFFSET_DRIFT_MS - 1), undefined, 0)).toBe(false);
    expect(isPeerTokenForThisTab(offBy(Number.NaN), undefined, 0)).toBe(false);
  });

  it("C26: the reference is the tab's own offset, not the held token's: a held token 4 minutes off moves nothing", () => {
    const adopted = held(acsJwt({ expiresAt: NOW + HOUR }), NOW + HOUR, 4 * MINUTE); // a peer's, once taken
    const further = held(acsJwt({ expiresAt: NOW + HOUR }), NOW + HOUR, 8 * MINUTE);
    expect(isPeerTokenForThisTab(further, adopted, 0)).toBe(false);
    expect(isPeerTokenForThisTab(held(acsJwt({ expiresAt: NOW + HOUR })), adopted, 0)).toBe(true);
  });
});

describe("which token is newer", () => {
  it("C26: the one issued later, whatever either claims about its expiry; one with an iat beats one without", () => {
    const planted = held(acsJwt({ issuedAt: NOW, expiresAt: NOW + 23 * HOUR }), NOW + 23 * HOUR);
    const real = held(acsJwt({ issuedAt: NOW + MINUTE, expiresAt: NOW + HOUR }));
    expect(isNewerToken(real, planted, false)).toBe(true);
    expect(isNewerToken(planted, real, false)).toBe(false);
    const sameSecond = held(acsJwt({ issuedAt: NOW + MINUTE, expiresAt: NOW + 2 * HOUR }), NOW + 2 * HOUR);
    expect(isNewerToken(sameSecond, real, true)).toBe(false); // issued no later: the one held stays
    const noIat = held(jwtExpiringAt(NOW + 23 * HOUR), NOW + 23 * HOUR);
    expect(isNewerToken(noIat, real, true)).toBe(false);
    expect(isNewerToken(real, noIat, false)).toBe(true);
  });

  it("C26: between tokens without iat, the later expiry, or with orSameExpiry one no earlier; never the same token", () => {
    const hour = held(jwtExpiringAt(NOW + HOUR));
    const twoHours = held(jwtExpiringAt(NOW + 2 * HOUR), NOW + 2 * HOUR);
    const sameExpiry = held(OPAQUE_TOKEN, NOW + HOUR);
    expect(isNewerToken(twoHours, hour, false)).toBe(true);
    expect(isNewerToken(hour, twoHours, true)).toBe(false);
    expect(isNewerToken(sameExpiry, hour, false)).toBe(false);
    expect(isNewerToken(sameExpiry, hour, true)).toBe(true);
    expect(isNewerToken(hour, hour, true)).toBe(false);
  });
});
