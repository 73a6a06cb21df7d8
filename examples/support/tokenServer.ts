import { createHmac, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A token server on 127.0.0.1 for the examples: `GET /token` mints a short-lived signed JWT. */
export interface TokenServer {
  /** The URL of the token endpoint, on an ephemeral port. */
  readonly url: string;
  /** How many tokens were requested, failures included. */
  readonly requests: number;
  /** Makes the next `count` requests fail with 503 Service Unavailable. */
  failNext(count: number): void;
  close(): Promise<void>;
}

function base64Url(value: string | Buffer): string {
  return Buffer.from(value).toString("base64url");
}

function mintJwt(signingKey: Buffer, lifetimeSeconds: number): string {
  const now = Math.floor(Date.now() / 1000);
  const header = base64Url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const payload = base64Url(JSON.stringify({ sub: "8:acs:demo-user", iat: now, exp: now + lifetimeSeconds }));
  const signature = base64Url(createHmac("sha256", signingKey).update(`${header}.${payload}`).digest());
  return `${header}.${payload}.${signature}`;
}

/** Starts the server; tokens live `lifetimeSeconds`. */
export async function startTokenServer(lifetimeSeconds: number): Promise<TokenServer> {
  const signingKey = randomBytes(32);
  let requests = 0;
  let failuresLeft = 0;
  const server: Server = createServer((request, response) => {
    if (request.url !== "/token") return void response.writeHead(404).end();
    requests += 1;
    if (failuresLeft > 0) {
      failuresLeft -= 1;
      return void response.writeHead(503, { "content-type": "text/plain" }).end("token service unavailable");
    }
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify({ token: mintJwt(signingKey, lifetimeSeconds) }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/token`,
    get requests() {
      return requests;
    },
    failNext(count) {
      failuresLeft = count;
    },
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
