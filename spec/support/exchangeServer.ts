import type { VirtualTimeScheduler } from "rxjs";
import type { EntraTokenCredential } from "../../lib/index.js";
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

/** An answer that comes: a status, headers and a body. */
export type ScriptedAnswer = Exclude<Answer, "hang">;

/** A successful exchange's answer: an ACS token expiring at `expiresOnTimestamp`. */
export function exchanged(token: string, expiresOnTimestamp: number): ScriptedAnswer {
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

/**
 * A `fetch` that gives the queued answers (the last one repeats) without a socket, recording when
 * (`Date.now()`, fake under Jest's fake timers) and with what it was called.
 */
export function scriptedFetch(...answers: ScriptedAnswer[]) {
  const queue = [...answers];
  const calledAt: number[] = [];
  const fetch = jest.fn(async (_input: RequestInfo | URL, _init?: RequestInit) => {
    calledAt.push(Date.now());
    const answer = (queue.length > 1 ? queue.shift() : queue[0]) ?? { status: 500 };
    const headers = { "content-type": "application/json", ...answer.headers };
    return new Response(answer.rawBody ?? JSON.stringify(answer.body ?? {}), { status: answer.status, headers });
  });
  return { fetch, calledAt };
}

/** The waits between consecutive calls, from the times they were made. */
export function gapsBetween(calledAt: readonly number[]): number[] {
  return calledAt.slice(1).map((at, index) => at - (calledAt[index] ?? at));
}

/** An Entra credential whose token the test can change, as a new sign-in would. */
export function fakeEntraCredential(token = "entraToken") {
  const credential: { token: string; getToken: jest.Mock } = {
    token,
    getToken: jest.fn(async (_scopes: string | string[], _options?: unknown) => ({
      token: credential.token,
      expiresOnTimestamp: Date.now() + 3_600_000,
    })),
  };
  return credential as typeof credential & EntraTokenCredential;
}

/**
 * Lets the loopback server's I/O happen, and moves `scheduler`'s virtual time by at most `maxStepMs`
 * whenever a timer is due in that range, until `promise` settles; then returns it. Throws when it is
 * still pending after 500 turns (nothing due within reach), rather than leaving the test to hang.
 */
export async function runUntilSettled<T>(promise: Promise<T>, scheduler: VirtualTimeScheduler, maxStepMs = 10_000) {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let turn = 0; turn < 500 && !settled; turn++) {
    await new Promise((resolve) => setImmediate(resolve));
    scheduler.maxFrames = scheduler.frame + maxStepMs;
    scheduler.flush();
  }
  if (!settled) throw new Error(`Still pending at virtual time ${scheduler.frame} ms, with no timer due within reach.`);
  return promise;
}
