import { tokenEndpoint, type TokenEndpointOptions } from "../../lib/index.js";
import { OPAQUE_TOKEN } from "../support/tokens.js";

// C27 (issue 22, item 2): tokenEndpoint copies what it checked when it is called: its URL and `init`,
// the headers and body within it included. A later change to the caller's objects changes no request.

const ENDPOINT = "https://app.example/api/acs-token";

function recordingFetch() {
  return jest.fn(async (_url: string, _init: RequestInit) => new Response(OPAQUE_TOKEN));
}

/** The headers of a recorded call, as a plain object of lower-case names. */
function headersOf(init: RequestInit | undefined): Record<string, string> {
  return Object.fromEntries(new Headers(init?.headers));
}

const call = (refresher: ReturnType<typeof tokenEndpoint>) => refresher(new AbortController().signal);

describe("C27: tokenEndpoint keeps the init it checked", () => {
  it("C27: init.headers given as a plain object are copied: a later change to them is not sent", async () => {
    const fetch = recordingFetch();
    const headers: Record<string, string> = { "X-CSRF-Token": "csrf-1" };
    const refresher = tokenEndpoint(ENDPOINT, { fetch, init: { headers } });
    headers["X-CSRF-Token"] = "changed";
    headers.Authorization = "Bearer stolen-session";
    await call(refresher);
    expect(headersOf(fetch.mock.calls[0]?.[1])).toEqual({ "x-csrf-token": "csrf-1" });
  });

  it("C27: init.headers given as a Headers object are copied: a later change to it is not sent", async () => {
    const fetch = recordingFetch();
    const headers = new Headers({ "X-CSRF-Token": "csrf-1" });
    const refresher = tokenEndpoint(ENDPOINT, { fetch, init: { headers } });
    headers.set("X-CSRF-Token", "changed");
    headers.append("Authorization", "Bearer stolen-session");
    await call(refresher);
    expect(headersOf(fetch.mock.calls[0]?.[1])).toEqual({ "x-csrf-token": "csrf-1" });
  });

  it("C27: init.headers given as pairs are copied", async () => {
    const fetch = recordingFetch();
    const pair: [string, string] = ["X-CSRF-Token", "csrf-1"];
    const headers = [pair];
    const refresher = tokenEndpoint(ENDPOINT, { fetch, init: { headers } });
    pair[1] = "changed";
    headers.push(["Authorization", "Bearer stolen-session"]);
    await call(refresher);
    expect(headersOf(fetch.mock.calls[0]?.[1])).toEqual({ "x-csrf-token": "csrf-1" });
  });

  it("C27: a fetch that changes the headers it was given does not change the next request's", async () => {
    const fetch = jest.fn(async (_url: string, init: RequestInit) => {
      if (init.headers instanceof Headers) init.headers.set("X-Trace", "added");
      else (init.headers as Record<string, string>)["X-Trace"] = "added";
      return new Response(OPAQUE_TOKEN);
    });
    for (const headers of [new Headers({ "X-CSRF-Token": "csrf-1" }), { "X-CSRF-Token": "csrf-1" }]) {
      fetch.mockClear();
      const refresher = tokenEndpoint(ENDPOINT, { fetch, init: { headers } });
      await call(refresher);
      await call(refresher);
      expect(fetch.mock.calls.map(([, init]) => headersOf(init)["x-csrf-token"])).toEqual(["csrf-1", "csrf-1"]);
      expect(fetch.mock.calls.map(([, init]) => init.headers)).not.toContain(headers);
    }
  });

  it("C27: the method, credentials and a URLSearchParams body are copied", async () => {
    const fetch = recordingFetch();
    const body = new URLSearchParams({ user: "alice" });
    const init: NonNullable<TokenEndpointOptions["init"]> = { method: "POST", credentials: "include", body };
    const refresher = tokenEndpoint(ENDPOINT, { fetch, init });
    init.method = "DELETE";
    init.credentials = "omit";
    body.set("user", "mallory");
    await call(refresher);
    const sent = fetch.mock.calls[0]?.[1];
    expect(sent?.method).toBe("POST");
    expect(sent?.credentials).toBe("include");
    expect(String(sent?.body)).toBe("user=alice");
  });

  it("C27: a URL object changed after the call changes nothing", async () => {
    const fetch = recordingFetch();
    const url = new URL(ENDPOINT);
    const refresher = tokenEndpoint(url, { fetch });
    url.href = "http://evil.example/steal";
    await call(refresher);
    expect(fetch.mock.calls[0]?.[0]).toBe(ENDPOINT);
  });

  it("C27: options changed after the call (fetch, flags) change nothing", async () => {
    const fetch = recordingFetch();
    const other = recordingFetch();
    const options: TokenEndpointOptions = { fetch, retry: false };
    const refresher = tokenEndpoint(ENDPOINT, options);
    options.fetch = other;
    options.allowInsecureConnection = true;
    await call(refresher);
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(other).not.toHaveBeenCalled();
  });
});
