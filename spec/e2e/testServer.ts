/**
 * The e2e test's one server, on loopback only, with three listeners sharing one request handler:
 * - the app origin, http://127.0.0.1:A: the built app (dist/browser, index.html for any other page),
 *   `/config.json` (the endpoints, which the app reads at start-up) and `/api/acs-token`;
 * - the ACS endpoint, http://127.0.0.1:B, the app's protectedResources entry;
 * - the look-alike host, http://127.0.0.2:B: same scheme and port, another host; it records whether
 *   an Authorization header reached it, and tells the page.
 * The two hosts on port B are other origins than the page, so they answer CORS as ACS does.
 */
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize } from "node:path";
import { AcsEmulator, bearerToken, type RecordedRequest } from "./acsEmulator.js";

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".txt": "text/plain; charset=utf-8",
};

export interface TestServer {
  readonly appOrigin: string;
  readonly acsEndpoint: string;
  readonly lookAlikeEndpoint: string;
  readonly acs: AcsEmulator;
  close(): Promise<void>;
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { "content-type": "application/json", "cache-control": "no-store", ...headers });
  response.end(JSON.stringify(body));
}

async function serveApp(root: string, path: string, response: ServerResponse): Promise<void> {
  // normalize() removes any "..", so the file stays under root; a path without an extension is a page.
  const file = extname(path) === "" ? "index.html" : normalize(path).replace(/^[/\\]+/, "");
  try {
    const body = await readFile(join(root, file));
    const type = CONTENT_TYPES[extname(file)] ?? "application/octet-stream";
    response.writeHead(200, { "content-type": type, "cache-control": "no-store" }).end(body);
  } catch {
    response.writeHead(404, { "content-type": "text/plain" }).end("not found");
  }
}

/** Answers a request on port B, for the ACS endpoint (127.0.0.1) or the look-alike host (anything else). */
function serveAcs(request: IncomingMessage, response: ServerResponse, acs: AcsEmulator, appOrigin: string): void {
  const cors = {
    "access-control-allow-origin": appOrigin,
    "access-control-allow-headers": "authorization, content-type",
    "access-control-allow-methods": "GET, POST",
    "access-control-max-age": "600",
  };
  if (request.method === "OPTIONS") return void response.writeHead(204, cors).end();
  const path = new URL(request.url ?? "/", "http://acs.invalid").pathname;
  const authorization = request.headers.authorization;
  const record = (log: RecordedRequest[], status: number) =>
    log.push({ method: request.method ?? "", path, authorization, status });
  if (request.socket.localAddress !== "127.0.0.1") {
    record(acs.lookAlikeRequests, 200);
    return sendJson(response, 200, { value: [], receivedAuthorization: authorization !== undefined }, cors);
  }
  if (path !== "/chat/threads") {
    record(acs.acsRequests, 404);
    return sendJson(response, 404, { error: { code: "NotFound", message: path } }, cors);
  }
  if (!acs.check(bearerToken(authorization))) {
    record(acs.acsRequests, 401);
    const challenge = { ...cors, "www-authenticate": 'Bearer error="invalid_token"' };
    return sendJson(response, 401, { error: { code: "Unauthorized", message: "invalid token" } }, challenge);
  }
  record(acs.acsRequests, 200);
  const threads = [
    { id: "19:e2e-thread-1@thread.v2", topic: "Standup" },
    { id: "19:e2e-thread-2@thread.v2", topic: "Release" },
  ];
  sendJson(response, 200, { value: threads }, cors);
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

const close = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

/** Starts the server for the app built in `appRoot` (a dist/browser folder). */
export async function startTestServer(appRoot: string): Promise<TestServer> {
  const acs = new AcsEmulator();
  const endpoints = { appOrigin: "", acsEndpoint: "", lookAlikeEndpoint: "" };
  const appServer = createServer((request, response) => {
    const path = new URL(request.url ?? "/", endpoints.appOrigin).pathname;
    if (path === "/api/acs-token") return sendJson(response, 200, acs.mint());
    if (path === "/config.json") return sendJson(response, 200, endpoints);
    void serveApp(appRoot, path, response);
  });
  const handleAcs = (request: IncomingMessage, response: ServerResponse) =>
    serveAcs(request, response, acs, endpoints.appOrigin);
  const acsServer = createServer(handleAcs);
  const lookAlikeServer = createServer(handleAcs);
  endpoints.appOrigin = `http://127.0.0.1:${await listen(appServer, 0, "127.0.0.1")}`;
  // Port B must be free on both addresses: a port picked on 127.0.0.1 is tried on 127.0.0.2 too.
  for (let attempt = 1; ; attempt++) {
    const port = await listen(acsServer, 0, "127.0.0.1");
    try {
      await listen(lookAlikeServer, port, "127.0.0.2");
      endpoints.acsEndpoint = `http://127.0.0.1:${port}`;
      endpoints.lookAlikeEndpoint = `http://127.0.0.2:${port}`;
      break;
    } catch (error) {
      await close(acsServer);
      if (attempt === 5) throw error;
    }
  }
  return {
    ...endpoints,
    acs,
    close: async () => {
      await Promise.all([appServer, acsServer, lookAlikeServer].map(close));
    },
  };
}
