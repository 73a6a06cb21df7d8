import { CommunicationTokenCredential, createRefreshLimiter, type CredentialState } from "../../lib/index.js";
import { advance, settle, track, useFakeTime } from "../support/fakeTime.js";
import { HOUR, SECOND, jwtValidFor } from "../support/tokens.js";

// C31: a refresh waiting for its turn in a refreshLimiter shows as `queued`, not `refreshing` ("the
// refresher is running"): an operator counting `refreshing` credentials counts calls to the token
// server, and an app can tell its user that it waits its turn.

describe("C31: a refresh waiting its turn shows as queued", () => {
  beforeEach(useFakeTime);
  afterEach(() => jest.useRealTimers());

  it("C23, C31: with one slot, the second credential shows queued until the first refresh ends, then refreshing, then ready", async () => {
    const limiter = createRefreshLimiter({ maxConcurrent: 1, perSecond: 100 });
    const tokenRefresher = () => new Promise<string>((resolve) => setTimeout(() => resolve(jwtValidFor(HOUR)), SECOND));
    const [first, second] = [0, 1].map(
      () => new CommunicationTokenCredential({ tokenRefresher, refreshLimiter: limiter }),
    ) as [CommunicationTokenCredential, CommunicationTokenCredential];
    const statuses: CredentialState["status"][] = [];
    second.state$.subscribe((state) => statuses.push(state.status));
    const callers = [track(first.getToken()), track(second.getToken())];
    await settle();
    expect(limiter.running).toBe(1);
    expect(statuses).toEqual(["idle", "queued"]);
    await advance(SECOND);
    expect(statuses).toEqual(["idle", "queued", "refreshing"]);
    await advance(SECOND);
    expect(statuses).toEqual(["idle", "queued", "refreshing", "ready"]);
    expect(callers.every(({ value }) => value !== undefined)).toBe(true);
    first.dispose();
    second.dispose();
  });

  it("C31: of 2,000 credentials refreshing through a limiter of 50, those waiting show queued and only those called show refreshing", async () => {
    const limiter = createRefreshLimiter({ maxConcurrent: 50, perSecond: 1_000 });
    const tokenRefresher = () => new Promise<string>((resolve) => setTimeout(() => resolve(jwtValidFor(HOUR)), SECOND));
    const credentials = Array.from(
      { length: 2_000 },
      () => new CommunicationTokenCredential({ tokenRefresher, refreshLimiter: limiter }),
    );
    const callers = credentials.map((credential) => track(credential.getToken()));
    await settle();
    const count = (status: string) => credentials.filter((credential) => credential.toJSON().status === status).length;
    expect(count("refreshing")).toBe(50);
    expect(count("queued")).toBe(1_950);
    credentials.forEach((credential) => credential.dispose());
    await settle();
    expect(callers.every(({ settled }) => settled)).toBe(true);
  });
});
