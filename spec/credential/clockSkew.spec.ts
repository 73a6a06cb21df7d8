import { TokenExpiredError, type AccessToken, type CommunicationTokenCredential } from "../../lib/index.js";
import { credentialsOnFakeTime } from "../support/credentials.js";
import { advance } from "../support/fakeTime.js";
import { claimsOf, jwtIssuedAt, jwtWithoutIat, skewedIssuer, type SkewedIssuer } from "../support/skewedTokens.js";
import { DAY, HOUR, MINUTE, SECOND, START } from "../support/tokens.js";

/** What a state says of the issuer's clock: its `clockOffsetMs`, or "none" when the field is absent. */
type ShownOffset = number | "none";

function offsetsShownBy(credential: CommunicationTokenCredential): ShownOffset[] {
  const offsets: ShownOffset[] = [];
  credential.state$.subscribe((state) => {
    if (state.status === "disposed") return;
    offsets.push("clockOffsetMs" in state && state.clockOffsetMs !== undefined ? state.clockOffsetMs : "none");
  });
  return offsets;
}

/** The offset a credential's state shows now (state$ emits the current state on subscribe). */
function offsetShownNow(credential: CommunicationTokenCredential): ShownOffset {
  let shown: ShownOffset = "none";
  credential.state$
    .subscribe((state) => {
      if ("clockOffsetMs" in state && state.clockOffsetMs !== undefined) shown = state.clockOffsetMs;
    })
    .unsubscribe();
  return shown;
}

/** A token as it was handed out: what it says, and the issuer's time at that moment. */
interface HandedOut {
  readonly via: "getToken" | "token$";
  readonly token: AccessToken;
  readonly issuerNow: number;
}

function expOf(token: AccessToken): number {
  const { expiresAt } = claimsOf(token.token);
  if (expiresAt === undefined) throw new Error("a test token without exp");
  return expiresAt;
}

describe("C25: tokens judged on the issuer's clock (tokenRefresher, iat evidence, fake time)", () => {
  const create = credentialsOnFakeTime();

  describe("C25: a client clock 3 hours behind the issuer's", () => {
    it("C25: over 6 hours, neither getToken nor token$ hands out a token past its exp by the issuer's clock", async () => {
      const issuer = skewedIssuer(3 * HOUR);
      const calledAt: number[] = [];
      const credential = create({
        tokenRefresher: () => (calledAt.push(Date.now() - START), issuer.jwt(HOUR)),
        refreshProactively: true,
      });
      const handedOut: HandedOut[] = [];
      credential.token$.subscribe((token) => handedOut.push({ via: "token$", token, issuerNow: issuer.now() }));
      for (let minute = 0; minute <= 6 * 60; minute++) {
        const token = await credential.getToken();
        handedOut.push({ via: "getToken", token, issuerNow: issuer.now() });
        await advance(MINUTE);
      }
      expect(handedOut.filter(({ token, issuerNow }) => expOf(token) <= issuerNow)).toEqual([]);
      expect(handedOut.filter(({ token }) => token.expiresOnTimestamp !== expOf(token) - 3 * HOUR)).toEqual([]);
      expect(handedOut.filter(({ via }) => via === "token$").length).toBe(calledAt.length);
      // Each token is renewed 10 minutes before it really expires: every 50 minutes, not every 3 h 50.
      expect(calledAt).toEqual([0, 50, 100, 150, 200, 250, 300, 350].map((at) => at * MINUTE));
    });

    it("C25: state$ shows clockOffsetMs = +3 h, and the proactive refresh is due 10 minutes before the real expiry", async () => {
      const issuer = skewedIssuer(3 * HOUR);
      const credential = create({ tokenRefresher: () => issuer.jwt(HOUR), refreshProactively: true });
      await advance(0);
      const offsets = offsetsShownBy(credential);
      expect(offsets.at(-1)).toBe(3 * HOUR);
      let state: unknown;
      credential.state$.subscribe((value) => (state = value)).unsubscribe();
      expect(state).toMatchObject({ status: "ready", refreshAt: START + 50 * MINUTE, clockOffsetMs: 3 * HOUR });
    });
  });

  describe("C25: ambiguous evidence never makes a token live longer than its exp", () => {
    it("C25: a cached token issued 30 minutes ago keeps exp as its expiry (offset 0); a token issued in the local future moves it", async () => {
      const issuer = skewedIssuer(0);
      const answers = [issuer.jwt(HOUR, { issuedAgoMs: 30 * MINUTE }), jwtIssuedAt(START + 3 * HOUR, HOUR)];
      const credential = create({ tokenRefresher: () => answers.shift() ?? "no more tokens" });
      const cached = await credential.getToken();
      expect(cached.expiresOnTimestamp).toBe(START + 30 * MINUTE);
      expect(cached.expiresOnTimestamp).toBe(expOf(cached));
      expect(offsetShownNow(credential)).toBe("none");
      const ahead = await credential.refresh();
      expect(ahead.expiresOnTimestamp).toBe(START + HOUR);
      expect(offsetShownNow(credential)).toBe(3 * HOUR);
    });

    it("C25: an iat two days in the local past never makes the offset negative, while one in the future makes it positive", async () => {
      const answers = [jwtIssuedAt(START - 2 * DAY, 3 * DAY), jwtIssuedAt(START + 2 * HOUR, 3 * DAY)];
      const credential = create({ tokenRefresher: () => answers.shift() ?? "no more tokens" });
      const old = await credential.getToken();
      expect(old.expiresOnTimestamp).toBe(START + DAY);
      expect(offsetShownNow(credential)).toBe("none");
      const issuedAhead = await credential.refresh();
      expect(issuedAhead.expiresOnTimestamp).toBe(START + 3 * DAY);
      expect(offsetShownNow(credential)).toBe(2 * HOUR);
    });
  });

  it("C25: an iat less than 5 s in the local future is noise: expiry exactly exp, no clockOffsetMs; 6 s ahead is an offset", async () => {
    const answers = [jwtIssuedAt(START + 3 * SECOND, HOUR), jwtIssuedAt(START + 6 * SECOND, HOUR)];
    const credential = create({ tokenRefresher: () => answers.shift() ?? "no more tokens" });
    const states: object[] = [];
    credential.state$.subscribe((state) => states.push(state));
    const near = await credential.getToken();
    expect(near.expiresOnTimestamp).toBe(expOf(near));
    expect(states.filter((state) => "clockOffsetMs" in state)).toEqual([]);
    const far = await credential.refresh();
    expect(far.expiresOnTimestamp).toBe(expOf(far) - 6 * SECOND);
    expect(offsetShownNow(credential)).toBe(6 * SECOND);
  });

  describe("C25: a token given at construction is evidence too", () => {
    it("C25: an initial token (options.token) issued 3 h in the local future: expiry moved, offset shown, no refresh", async () => {
      const refresher = jest.fn(() => jwtIssuedAt(Date.now(), HOUR));
      const initial = jwtIssuedAt(START + 3 * HOUR, HOUR);
      const credential = create({ tokenRefresher: refresher, token: initial });
      expect(offsetShownNow(credential)).toBe(3 * HOUR);
      await expect(credential.getToken()).resolves.toMatchObject({ token: initial, expiresOnTimestamp: START + HOUR });
      expect(refresher).not.toHaveBeenCalled();
    });

    it("C25: a static token issued 3 h in the local future expires after 1 h of local time, not 4 h", async () => {
      const credential = create(jwtIssuedAt(START + 3 * HOUR, HOUR));
      expect(offsetShownNow(credential)).toBe(3 * HOUR);
      await expect(credential.getToken()).resolves.toMatchObject({ expiresOnTimestamp: START + HOUR });
      await advance(HOUR);
      await expect(credential.getToken()).rejects.toBeInstanceOf(TokenExpiredError);
    });

    it("C25: a static { token, expiresOnTimestamp, clockOffsetMs } is moved by its reported offset", async () => {
      const credential = create({
        token: jwtWithoutIat(START + 4 * HOUR),
        expiresOnTimestamp: START + 4 * HOUR,
        clockOffsetMs: 3 * HOUR,
      });
      await expect(credential.getToken()).resolves.toMatchObject({ expiresOnTimestamp: START + HOUR });
      expect(offsetShownNow(credential)).toBe(3 * HOUR);
    });
  });

  describe("C25: a refresher's own clockOffsetMs (ServerClockReport)", () => {
    it("C25: a client 2 days ahead, told by its refresher: 24-hour tokens are accepted, and renewed once a day", async () => {
      const issuer = skewedIssuer(-2 * DAY);
      const calledAt: number[] = [];
      const credential = create({
        tokenRefresher: () => {
          calledAt.push(Date.now() - START);
          const token = jwtWithoutIat(issuer.now() + DAY);
          return { token, expiresOnTimestamp: issuer.now() + DAY, clockOffsetMs: -2 * DAY };
        },
        refreshProactively: true,
      });
      const handedOut: HandedOut[] = [];
      credential.token$.subscribe((token) => handedOut.push({ via: "token$", token, issuerNow: issuer.now() }));
      for (let hour = 0; hour < 3 * 24; hour++) {
        handedOut.push({ via: "getToken", token: await credential.getToken(), issuerNow: issuer.now() });
        await advance(HOUR);
      }
      expect(handedOut.filter(({ token, issuerNow }) => expOf(token) <= issuerNow)).toEqual([]);
      expect(handedOut.filter(({ token }) => token.expiresOnTimestamp !== expOf(token) + 2 * DAY)).toEqual([]);
      const renewal = DAY - 10 * MINUTE;
      expect(calledAt).toEqual([0, renewal, 2 * renewal, 3 * renewal]);
      expect(offsetShownNow(credential)).toBe(-2 * DAY);
    });

    it.each<[string, unknown]>([
      ["NaN", Number.NaN],
      ["Infinity", Number.POSITIVE_INFINITY],
      ["-Infinity", Number.NEGATIVE_INFINITY],
      ["a numeric string", String(3 * HOUR)],
      ["null", null],
    ])("C25: clockOffsetMs %s is ignored; a finite number is honoured", async (_, clockOffsetMs) => {
      const expiresOnTimestamp = START + 4 * HOUR;
      const token = jwtWithoutIat(expiresOnTimestamp);
      const answers: unknown[] = [
        { token, expiresOnTimestamp, clockOffsetMs },
        { token, expiresOnTimestamp, clockOffsetMs: 3 * HOUR },
      ];
      const credential = create({
        tokenRefresher: () => answers.shift() as { token: string; expiresOnTimestamp: number },
      });
      await expect(credential.getToken()).resolves.toMatchObject({ expiresOnTimestamp });
      expect(offsetShownNow(credential)).toBe("none");
      await expect(credential.refresh()).resolves.toMatchObject({ expiresOnTimestamp: START + HOUR });
      expect(offsetShownNow(credential)).toBe(3 * HOUR);
    });

    it("C25: a reported offset and an iat in the local future combine as the larger", async () => {
      const token = jwtIssuedAt(START + 3 * HOUR, HOUR);
      const expiresOnTimestamp = START + 4 * HOUR;
      const credential = create({ tokenRefresher: () => ({ token, expiresOnTimestamp, clockOffsetMs: HOUR }) });
      await expect(credential.getToken()).resolves.toMatchObject({ expiresOnTimestamp: START + HOUR });
      expect(offsetShownNow(credential)).toBe(3 * HOUR);
    });
  });

  describe("C25: the offset follows the latest evidence", () => {
    function behindThreeHours(): { issuer: SkewedIssuer; credential: CommunicationTokenCredential } {
      const issuer = skewedIssuer(3 * HOUR);
      const credential = create({ tokenRefresher: () => issuer.jwt(HOUR), refreshProactively: true });
      return { issuer, credential };
    }

    it("C25: once the client clock is corrected (+3 h), the next token has offset 0 and clockOffsetMs leaves the state", async () => {
      const { issuer, credential } = behindThreeHours();
      const offsets = offsetsShownBy(credential);
      await advance(0);
      expect(offsets.at(-1)).toBe(3 * HOUR);
      jest.setSystemTime(Date.now() + 3 * HOUR); // NTP puts the client right: the issuer's clock is now the client's
      issuer.shiftMs = 0;
      const fresh = await credential.getToken();
      expect(fresh.expiresOnTimestamp).toBe(expOf(fresh));
      expect(fresh.expiresOnTimestamp).toBe(Date.now() + HOUR);
      expect(offsetShownNow(credential)).toBe("none");
      let state: object = {};
      credential.state$.subscribe((value) => (state = value)).unsubscribe();
      expect(state).toMatchObject({ status: "ready", token: fresh });
      expect("clockOffsetMs" in state).toBe(false);
    });

    it("C25: after the correction, the proactive schedule follows the new tokens: renewed every 50 minutes", async () => {
      const { issuer, credential } = behindThreeHours();
      const tokens: AccessToken[] = [];
      credential.token$.subscribe((token) => tokens.push(token));
      await advance(0);
      expect(offsetShownNow(credential)).toBe(3 * HOUR);
      jest.setSystemTime(Date.now() + 3 * HOUR);
      issuer.shiftMs = 0;
      await advance(MINUTE); // the schedule re-reads the clock within a minute (C14)
      const corrected = tokens.length;
      expect(corrected).toBe(2); // the skewed token ran out at the jump: it was replaced at once
      await advance(100 * MINUTE);
      expect(tokens.length - corrected).toBe(2);
      expect(tokens.slice(1).every((token) => token.expiresOnTimestamp === expOf(token))).toBe(true);
      expect(offsetShownNow(credential)).toBe("none");
    });
  });
});
