import { CommunicationTokenCredential, tokenEndpoint, type TokenEndpointOptions } from "../../lib/index.js";
import { startLoopbackServer, type Answer, type LoopbackServer } from "../support/loopbackServer.js";

/**
 * A loopback token endpoint for the tests of one describe: started before each test, closed after it,
 * with the credentials made by `credentialFor` disposed. `answer` is what the next request gets.
 */
export function endpointOnLoopback() {
  const context: { server: LoopbackServer; answer: Answer } = {
    server: undefined as unknown as LoopbackServer,
    answer: { status: 500 },
  };
  const credentials: CommunicationTokenCredential[] = [];
  beforeEach(async () => {
    context.answer = { status: 500 };
    context.server = await startLoopbackServer(() => context.answer);
  });
  afterEach(async () => {
    credentials.splice(0).forEach((credential) => credential.dispose());
    await context.server.close();
  });
  return Object.assign(context, {
    /** A credential whose refresher is `tokenEndpoint(origin + pathAndQuery, options)`. */
    credentialFor(pathAndQuery = "/api/acs-token", options?: TokenEndpointOptions): CommunicationTokenCredential {
      const credential = new CommunicationTokenCredential({
        tokenRefresher: tokenEndpoint(context.server.origin + pathAndQuery, options),
      });
      credentials.push(credential);
      return credential;
    },
  });
}

/**
 * Lets real I/O happen until `condition` holds; throws after `limitMs` of real time rather than hang.
 * It does not sleep: each turn yields to the event loop once.
 */
export async function until(condition: () => boolean, limitMs = 5_000): Promise<void> {
  const giveUpAt = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > giveUpAt) throw new Error(`still not true after ${limitMs} ms`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** The error a promise rejects with; fails the test if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection, but the promise resolved");
}
