import { ChatClient } from "@azure/communication-chat";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { CommunicationTokenCredential } from "../../lib/index.js";
import { selfSignedCertificate } from "../support/selfSignedCertificate.js";

const HOUR = 3_600_000;

/**
 * C22: the credential handed to the real ACS chat client. An HTTPS server on 127.0.0.1 (with a
 * certificate made for this run) stands in for ACS and records the Authorization header of each call.
 */
describe("C22: with @azure/communication-chat's ChatClient", () => {
  const certificate = selfSignedCertificate();
  const authorizations: string[] = [];
  let server: Server;
  let endpoint: string;

  beforeAll(async () => {
    server = createServer(certificate, (request, response) => {
      authorizations.push(String(request.headers.authorization));
      request.resume();
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ value: [] }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    endpoint = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  // Only the wall clock is faked, so the token can expire while sockets and timers stay real.
  beforeEach(() =>
    jest.useFakeTimers({
      doNotFake: [
        "nextTick",
        "queueMicrotask",
        "setImmediate",
        "clearImmediate",
        "setInterval",
        "clearInterval",
        "setTimeout",
        "clearTimeout",
        "hrtime",
        "performance",
      ],
    }),
  );
  afterEach(() => jest.useRealTimers());

  it("C22: the chat client sends our token, and after it expires, the refreshed one", async () => {
    let issued = 0;
    const credential = new CommunicationTokenCredential({
      tokenRefresher: async () => ({ token: `acs-token-${++issued}`, expiresOnTimestamp: Date.now() + HOUR }),
    });
    const chatClient = new ChatClient(endpoint, credential, { tlsOptions: { ca: certificate.cert } });

    for await (const thread of chatClient.listChatThreads()) void thread;
    jest.setSystemTime(Date.now() + 2 * HOUR);
    for await (const thread of chatClient.listChatThreads()) void thread;

    expect(authorizations).toEqual(["Bearer acs-token-1", "Bearer acs-token-2"]);
    credential.dispose();
  });
});
