import { inspect } from "node:util";
import { tokenEndpoint, type TokenEndpointOptions } from "../../lib/index.js";
import { describeTokenUrl } from "../../lib/tokenEndpoint/endpointUrl.js";
import { credentialsOnFakeTime } from "../support/credentials.js";
import { advance, settle, useFakeTime } from "../support/fakeTime.js";
import { refresh, scriptedEndpoint, type Step } from "./scriptedEndpoint.js";

// C27, C20: a token endpoint's path often holds the user's id. Messages name the endpoint by its
// origin; its path only with pathInMessages; its query never.
const ORIGIN = "https://app.example";
const URL_WITH_USER = `${ORIGIN}/users/user-998/acs-token?code=query-secret`;
const PATH_PARTS = ["user-998", "/users", "acs-token"];

/** Every text a message may reach: the message, util.inspect (logs) and JSON (error reports). */
const shown = (error: unknown): string[] => [(error as Error).message, inspect(error), JSON.stringify(error)];

const failures: [string, Step[], TokenEndpointOptions][] = [
  ["a 500 (TokenEndpointError)", [{ status: 500 }], { retry: false }],
  ["a 429 with Retry-After (TokenEndpointError)", [{ status: 429, headers: { "retry-after": "3" } }], { retry: false }],
  ["a 2xx page (InvalidTokenError)", [{ status: 200, body: "<p>", headers: { "content-type": "text/html" } }], {}],
  ["no answer in time (TimeoutError)", ["hang"], { retry: { maxRetries: 0, attemptTimeoutMs: 1_000 } }],
];

describe("C27, C20: messages name the token endpoint by its origin (scripted fetch, fake time)", () => {
  beforeEach(useFakeTime);
  afterEach(() => jest.useRealTimers());

  it.each(failures)("C27: %s: the origin, nothing of the path or query", async (_, steps, options) => {
    const { fetch } = scriptedEndpoint(...steps);
    const outcome = refresh({ fetch, ...options }, { endpoint: URL_WITH_USER });
    await advance(1_000);
    expect((outcome.error as Error).message).toContain(`The token endpoint ${ORIGIN} `);
    for (const text of shown(outcome.error)) {
      for (const part of [...PATH_PARTS, "query-secret"]) expect(text).not.toContain(part);
    }
  });

  it.each(failures)("C27: %s, with pathInMessages: origin and path, still no query", async (_, steps, options) => {
    const { fetch } = scriptedEndpoint(...steps);
    const outcome = refresh({ fetch, ...options, pathInMessages: true }, { endpoint: URL_WITH_USER });
    await advance(1_000);
    expect((outcome.error as Error).message).toContain(`The token endpoint ${ORIGIN}/users/user-998/acs-token `);
    for (const text of shown(outcome.error)) expect(text).not.toContain("query-secret");
  });

  describe("C27: through a credential, whose own messages add nothing of the URL", () => {
    const create = credentialsOnFakeTime();

    it.each(failures)("C27: %s", async (_, steps, options) => {
      const { fetch } = scriptedEndpoint(...steps);
      const credential = create({ tokenRefresher: tokenEndpoint(URL_WITH_USER, { fetch, ...options }) });
      const states: unknown[] = [];
      credential.state$.subscribe((state) => states.push(state));
      const failure = credential.getToken().catch((error: unknown) => error);
      await advance(1_000);
      await settle();
      const error = await failure;
      expect((error as Error).message).toContain(`The token endpoint ${ORIGIN} `);
      for (const text of [...shown(error), inspect(states), JSON.stringify(states)]) {
        for (const part of PATH_PARTS) expect(text).not.toContain(part);
      }
    });
  });
});

describe("C27: tokenEndpoint's own TypeErrors about the url name no path either", () => {
  it.each([
    ["a relative URL where there is no page", "/users/user-998/acs-token", /to resolve a relative one against/],
    ["a URL that does not parse", "https://app .example/users/user-998/acs-token", /url "https:\/\/app .example"/],
  ])("C27: %s", (_, url, message) => {
    const attempt = () => tokenEndpoint(url);
    expect(attempt).toThrow(message);
    expect(attempt).not.toThrow(/user-998/);
  });

  it("C27: with pathInMessages, they show the path as typed, never its query", () => {
    const attempt = () => tokenEndpoint("/users/user-998/acs-token?code=query-secret", { pathInMessages: true });
    expect(attempt).toThrow(/"\/users\/user-998\/acs-token" against/);
    expect(attempt).not.toThrow(/query-secret/);
  });

  it("C27: pathInMessages must be a boolean", () => {
    expect(() => tokenEndpoint(ORIGIN, { pathInMessages: "yes" as unknown as boolean })).toThrow(
      /options.pathInMessages must be a boolean; got the string "yes"/,
    );
  });
});

describe("C28: Angular's tokenUrl is named the same way", () => {
  it.each([
    ["an absolute URL", "https://app.example/users/user-998/acs-token?code=x", ORIGIN],
    ["a relative URL where there is no page", "/users/user-998/acs-token", "(a relative URL)"],
  ])("C28: %s → %s", (_, tokenUrl, named) => {
    expect(describeTokenUrl(tokenUrl)).toBe(named);
  });
});
