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
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 and an ephemeral port, answering with `handle`. */
export async function startLoopbackServer(
  handle: (request: ReceivedRequest) => { status: number; body?: unknown },
): Promise<LoopbackServer> {
  const received: ReceivedRequest[] = [];
  const server = createServer((incoming: IncomingMessage, outgoing: ServerResponse) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => {
      const request = {
        method: incoming.method ?? "",
        pathAndQuery: incoming.url ?? "",
        headers: incoming.headers,
        body: Buffer.concat(chunks),
      };
      received.push(request);
      const { status, body } = handle(request);
      outgoing.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body ?? {}));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
