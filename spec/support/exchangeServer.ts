import { startLoopbackServer, type Answer, type LoopbackServer, type ReceivedRequest } from "./loopbackServer.js";

const ENDPOINTS: Record<string, string> = {
  "/access/entra/:exchangeAccessToken": "2025-03-02-preview",
  "/access/teamsExtension/:exchangeAccessToken": "2025-06-30",
};

/** What is wrong with an exchange request, as the ACS service would see it; undefined when nothing. */
function problemWith(request: ReceivedRequest): string | undefined {
  const url = new URL(request.pathAndQuery, "http://127.0.0.1");
  const apiVersion = ENDPOINTS[url.pathname];
  if (request.method !== "POST") return `method ${request.method}`;
  if (apiVersion === undefined) return `path ${url.pathname}`;
  if (url.searchParams.get("api-version") !== apiVersion) return `api-version ${url.searchParams.get("api-version")}`;
  if (!/^Bearer .+/.test(String(request.headers.authorization))) return "no bearer token";
  if (request.headers["content-type"] !== "application/json") return "content-type";
  if (request.body.toString() !== "{}") return "body";
  return undefined;
}

/** The body of a successful exchange: an ACS token valid for `lifetimeMs` from `now`. */
export function exchanged(token: string, expiresOnTimestamp: number): Answer {
  return {
    status: 200,
    body: {
      identity: { id: "8:acs:user" },
      accessToken: { token, expiresOn: new Date(expiresOnTimestamp).toISOString() },
    },
  };
}

/**
 * An emulation of both ACS exchange endpoints on 127.0.0.1: it checks each request (method, path,
 * api-version, bearer header, JSON body {}), answers 400 to a malformed one, and otherwise gives the
 * next queued answer (the last one repeats).
 */
export async function startExchangeServer(...answers: Answer[]): Promise<LoopbackServer & { answers: Answer[] }> {
  const queue = [...answers];
  const server = await startLoopbackServer((request) => {
    const problem = problemWith(request);
    if (problem !== undefined) return { status: 400, body: { error: { code: "BadRequest", message: problem } } };
    return (queue.length > 1 ? queue.shift() : queue[0]) ?? { status: 500 };
  });
  return Object.assign(server, { answers: queue });
}
