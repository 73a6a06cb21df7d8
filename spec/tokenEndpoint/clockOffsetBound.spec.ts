import { TokenExpiredError, tokenEndpoint } from "../../lib/index.js";
import { credentialsOnFakeTime } from "../support/credentials.js";
import { advance, track } from "../support/fakeTime.js";
import { jwtWithoutIat } from "../support/skewedTokens.js";
import { DAY, HOUR, START } from "../support/tokens.js";
import { ENDPOINT, scriptedEndpoint } from "./scriptedEndpoint.js";

// C32: the correction of a token's expiry by the server's clock (C25) is bounded: a Date header more
// than 30 days off is no server clock to believe, and must not make an expired token valid.
const httpDate = (at: number): string => new Date(at).toUTCString();
const asText = (token: string, date: number) => ({
  status: 200,
  body: token,
  headers: { "content-type": "text/plain", date: httpDate(date) },
});

describe("C32, C25: tokenEndpoint's Date header moves expiries by at most 30 days (scripted fetch, fake time)", () => {
  const create = credentialsOnFakeTime();

  it("C32: a Date a year behind and a JWT without iat that expired months ago: TokenExpiredError, not a token", async () => {
    const expiredMonthsAgo = jwtWithoutIat(START - 90 * DAY);
    const { fetch } = scriptedEndpoint(asText(expiredMonthsAgo, START - 365 * DAY));
    const credential = create({ tokenRefresher: tokenEndpoint(ENDPOINT, { fetch }) });
    const call = track(credential.getToken());
    await advance(0);
    expect(call.error).toBeInstanceOf(TokenExpiredError);
    expect(call.value).toBeUndefined();
  });

  it("C25, C32: a Date 29 days behind still counts: a JWT that expired a day ago by this clock is valid on the server's", async () => {
    const token = jwtWithoutIat(START - DAY + HOUR);
    const { fetch } = scriptedEndpoint(asText(token, START - 29 * DAY));
    const credential = create({ tokenRefresher: tokenEndpoint(ENDPOINT, { fetch }) });
    const call = track(credential.getToken());
    await advance(0);
    expect(call.value?.token).toBe(token);
  });
});
