import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** What a handler sees of a request: the raw request line parts, headers and body. */
export interface ReceivedRequest {
  readonly method: string;
  /** The path and query exactly as they arrived. */
  readonly pathAndQuery: string;
  readonly headers: IncomingMessage["headers"];
  readonly body: Buffer;
}

export interface LoopbackServer {
  readonly origin: string;
  readonly received: ReceivedRequest[];
  /** How many requests the client gave up on (closed the connection) before an answer. */
  readonly abandoned: number;
  /** The server's clock, for its Date header; default this process's `Date.now()` (faked under fake timers). */
  now: () => number;
  close(): Promise<void>;
}

/** An answer: a status with a JSON body (or a raw one) and headers; or "hang" to never answer. */
export type Answer = { status: number; body?: unknown; rawBody?: string; headers?: Record<string, string> } | "hang";

/** An HTTP server on 127.0.0.1 and an ephemeral port, answering with `handle`. */
export async function startLoopbackServer(handle: (request: ReceivedRequest) => Answer): Promise<LoopbackServer> {
  const received: ReceivedRequest[] = [];
  let abandoned = 0;
  const server = createServer((incoming: IncomingMessage, outgoing: ServerResponse) => {
    const chunks: Buffer[] = [];
    outgoing.on("close", () => {
      if (!outgoing.writableEnded) abandoned += 1;
    });
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => {
      const request = {
        method: incoming.method ?? "",
        pathAndQuery: incoming.url ?? "",
        headers: incoming.headers,
        body: Buffer.concat(chunks),
      };
      received.push(request);
      const answer = handle(request);
      if (answer === "hang") return;
      const { status, body, rawBody, headers } = answer;
      // The Date header from the test's clock, as the credential's own: a server's real Date would look
      // like a clock years off under fake time (C25). Node's own Date header is real time.
      const date = new Date(loopback.now()).toUTCString();
      outgoing
        .writeHead(status, { "content-type": "application/json", date, ...headers })
        .end(rawBody ?? JSON.stringify(body ?? {}));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const loopback: LoopbackServer = {
    now: () => Date.now(),
    origin: `http://127.0.0.1:${port}`,
    received,
    get abandoned() {
      return abandoned;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
  return loopback;
}
