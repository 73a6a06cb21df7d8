/**
 * A token server on 127.0.0.1 that misbehaves at seeded random: each request draws one fault, in the
 * order the requests arrive, so two servers with the same seed deal the same faults to their n-th
 * requests. It counts what it received, by the answer it drew, and, for requests whose URL names a
 * session (`?session=…`), by session (sessionRequests.ts). With `NO_FAULTS` and a `minDelayMs` it is
 * a server that answers everyone correctly, but slowly.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { seededRandom } from "../../spec/support/seededRandom.js";
import { SessionRequests, type SessionRequestFigures } from "./sessionRequests.js";
import { mintUnsignedJwt } from "./unsignedJwt.js";

/** What the server did with a request. */
export type Answer = "token" | "error500" | "reset" | "silent";

export interface FaultOdds {
  /** Answered 500 at once. */
  error500: number;
  /** The socket destroyed without an answer. */
  reset: number;
  /** Never answered; the socket held open until the server closes. */
  silent: number;
}

/** The odds of the scenario; every other request is answered 200 after a uniform delay. */
export const SCENARIO_ODDS: FaultOdds = { error500: 0.1, reset: 0.05, silent: 0.05 };
/** Every request answered 200 with a token. */
export const NO_FAULTS: FaultOdds = { error500: 0, reset: 0, silent: 0 };

export interface FaultyTokenServerOptions {
  seed: number;
  odds?: FaultOdds;
  /** A token answer waits uniformly between `minDelayMs` (default 0) and `maxDelayMs` (default 200). */
  minDelayMs?: number;
  maxDelayMs?: number;
  tokenLifetimeMs: number;
}

export interface FaultyTokenServer {
  readonly url: string;
  /** Requests received, by what they were answered with. */
  readonly received: Readonly<Record<Answer, number>>;
  /** The requests that named a session, by session: how many refreshes and hedges came. */
  sessionRequests(): SessionRequestFigures;
  /** Token answers drawn and not yet sent. */
  answersPending(): number;
  /** The server's clock, which its tokens' `iat` and `exp` are on. */
  now(): number;
  /** Stops listening and drops every connection, held ones included; token answers not yet sent are dropped. */
  close(): Promise<void>;
}

/** Starts a server on a free port of 127.0.0.1. */
export async function startFaultyTokenServer(options: FaultyTokenServerOptions): Promise<FaultyTokenServer> {
  const { seed, odds = SCENARIO_ODDS, minDelayMs = 0, maxDelayMs = 200, tokenLifetimeMs } = options;
  const random = seededRandom(seed);
  const received: Record<Answer, number> = { token: 0, error500: 0, reset: 0, silent: 0 };
  const delayedAnswers = new Set<NodeJS.Timeout>();
  const bySession = new SessionRequests();
  const now = () => Date.now();

  const draw = (): Answer => {
    const roll = random();
    if (roll < odds.error500) return "error500";
    if (roll < odds.error500 + odds.reset) return "reset";
    if (roll < odds.error500 + odds.reset + odds.silent) return "silent";
    return "token";
  };

  const answerWithToken = (response: ServerResponse) => {
    const issuedAt = now();
    const token = mintUnsignedJwt(issuedAt, tokenLifetimeMs);
    const expiresOn = new Date(Math.floor((issuedAt + tokenLifetimeMs) / 1000) * 1000).toISOString();
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ token, expiresOn }));
  };

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const session = new URL(request.url ?? "/", "http://127.0.0.1").searchParams.get("session");
    // "close" comes once the answer is sent or the connection is gone, whichever is first.
    if (session !== null) response.on("close", bySession.opened(session));
    const answer = draw();
    received[answer] += 1;
    switch (answer) {
      case "error500":
        response.writeHead(500, { "content-type": "text/plain" }).end("internal error");
        return;
      case "reset":
        request.socket.destroy();
        return;
      case "silent":
        return; // the socket stays open until the client gives up or the server closes
      case "token": {
        const timer = setTimeout(
          () => {
            delayedAnswers.delete(timer);
            answerWithToken(response);
          },
          minDelayMs + random() * (maxDelayMs - minDelayMs),
        );
        delayedAnswers.add(timer);
      }
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/acs-token`,
    received,
    sessionRequests: () => bySession.figures(),
    answersPending: () => delayedAnswers.size,
    now,
    close: () =>
      new Promise<void>((resolve, reject) => {
        delayedAnswers.forEach((timer) => clearTimeout(timer));
        delayedAnswers.clear();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      }),
  };
}
