import { inspect } from "node:util";
import type { Answer } from "../support/loopbackServer.js";
import { HOUR, jwtValidFor, OPAQUE_TOKEN } from "../support/tokens.js";
import { endpointOnLoopback, rejectionOf } from "./harness.js";

const QUERY_SECRET = "query-secret-4711";
const BODY_SECRET = "body-secret-0815";

describe("C27, C20: no message from tokenEndpoint holds a token, the body or the URL's query", () => {
  const endpoint = endpointOnLoopback();
  const jwt = jwtValidFor(HOUR);

  const failures: [string, Answer][] = [
    ["a 401 whose body echoes the token", { status: 401, body: { token: jwt, detail: BODY_SECRET } }],
    ["a 429 with Retry-After", { status: 429, headers: { "retry-after": "3" }, rawBody: `${BODY_SECRET} ${jwt}` }],
    ["a 500 page", { status: 500, rawBody: `<h1>${BODY_SECRET}</h1>`, headers: { "content-type": "text/html" } }],
    ["an OAuth-style answer", { status: 200, body: { access_token: jwt, note: BODY_SECRET } }],
    ["a token under a key of its own", { status: 200, body: { [jwt]: BODY_SECRET, [OPAQUE_TOKEN]: 1 } }],
    ["a token that is not a string", { status: 200, body: { token: { value: jwt }, note: BODY_SECRET } }],
    [
      "JSON of the token's shape as text/plain, expired",
      {
        status: 200,
        rawBody: JSON.stringify({ token: jwt, expiresOn: "2001-01-01T00:00:00Z" }),
        headers: { "content-type": "text/plain" },
      },
    ],
    ["a Bearer prefix", { status: 200, rawBody: `Bearer ${jwt}`, headers: { "content-type": "text/plain" } }],
    ["a page with a token in it", { status: 200, rawBody: `<p>${jwt}</p>`, headers: { "content-type": "text/html" } }],
    ["JSON that is not JSON", { status: 200, rawBody: `{"token": "${jwt}", ${BODY_SECRET}` }],
    ["an expiry in the past", { status: 200, body: { token: OPAQUE_TOKEN, expiresOn: "2001-01-01T00:00:00Z" } }],
  ];

  it.each(failures)("C27: %s", async (_, answer) => {
    endpoint.answer = answer;
    const credential = endpoint.credentialFor(`/api/acs-token?code=${QUERY_SECRET}`, { retry: false });
    const error = await rejectionOf(credential.getToken());
    expect(error.message).not.toBe("");
    for (const shown of [error.message, inspect(error), JSON.stringify(error)]) {
      for (const secret of [jwt, jwt.split(".")[1] ?? jwt, OPAQUE_TOKEN, BODY_SECRET, QUERY_SECRET]) {
        expect(shown).not.toContain(secret);
      }
    }
  });

  it("C27: the query is sent, but messages name the endpoint by its origin only", async () => {
    endpoint.answer = { status: 403 };
    const error = await rejectionOf(endpoint.credentialFor(`/api/acs-token?code=${QUERY_SECRET}`).getToken());
    expect(endpoint.server.received[0]?.pathAndQuery).toBe(`/api/acs-token?code=${QUERY_SECRET}`);
    expect(error.message).toContain(`The token endpoint ${endpoint.server.origin} answered 403.`);
    expect(error.message).not.toContain("/api/acs-token");
    expect(error.message).not.toContain("code=");
  });

  it("C27: with pathInMessages, messages name the endpoint by origin and path, still never its query", async () => {
    endpoint.answer = { status: 403 };
    const credential = endpoint.credentialFor(`/api/acs-token?code=${QUERY_SECRET}`, { pathInMessages: true });
    const error = await rejectionOf(credential.getToken());
    expect(error.message).toContain(`The token endpoint ${endpoint.server.origin}/api/acs-token answered 403.`);
    expect(error.message).not.toContain("code=");
  });
});
