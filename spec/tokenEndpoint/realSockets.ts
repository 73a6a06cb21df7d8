import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { advance } from "../support/fakeTime.js";
import { MINUTE } from "../support/tokens.js";

// For the specs that send real requests to a server on 127.0.0.1 while the retries' waits run on fake
// time. Captured when a spec imports this, before any test installs fake timers: the server and fetch
// need real turns of the event loop, which the test gives them without moving fake time.
const realSetImmediate = setImmediate;

const oneTurn = (): Promise<void> => new Promise((resolve) => realSetImmediate(resolve));

/**
 * Lets real I/O run, without moving fake time, until `condition` holds; throws after 20 000 turns of
 * the event loop rather than hang.
 *
 * @example
 * await ioUntil(() => server.seen.received === 1);
 */
export async function ioUntil(condition: () => boolean): Promise<void> {
  for (let turn = 0; !condition(); turn++) {
    if (turn === 20_000) throw new Error("still waiting after 20 000 turns of the event loop");
    await oneTurn();
  }
}

/** Lets real I/O run for `turns` turns of the event loop, without moving fake time. */
async function ioTurns(turns: number): Promise<void> {
  for (let turn = 0; turn < turns; turn++) await oneTurn();
}

/** A minute of fake time, with real I/O between its seconds: room for any retry to reach the server. */
export async function aMinuteWithIo(): Promise<void> {
  for (let second = 0; second < MINUTE / 1_000; second++) {
    await advance(1_000);
    await ioTurns(20);
  }
}

/** A server listening on 127.0.0.1: the token endpoint's URL on it, and how to close it. */
export interface RawLoopback {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * A token endpoint on 127.0.0.1 and an ephemeral port whose requests `handle` answers, or not, with
 * the raw socket at hand (for what `startLoopbackServer` cannot do: reset or drop a connection).
 * `close` drops every connection still open.
 *
 * @example
 * const server = await listenOnLoopback((incoming) => incoming.socket.resetAndDestroy());
 * const refresher = tokenEndpoint(server.url);
 */
export async function listenOnLoopback(
  handle: (incoming: IncomingMessage, outgoing: ServerResponse) => void,
): Promise<RawLoopback> {
  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return { url: `http://127.0.0.1:${port}/api/acs-token`, close };
}

/**
 * The global fetch, recording what each call rejected with.
 *
 * @example
 * const { fetch, rejections } = recordingFetch();
 * const refresher = tokenEndpoint(server.url, { fetch });
 */
export function recordingFetch() {
  const rejections: unknown[] = [];
  const fetch = async (url: string, init: RequestInit): Promise<Response> => {
    try {
      return await globalThis.fetch(url, init);
    } catch (error) {
      rejections.push(error);
      throw error;
    }
  };
  return { fetch, rejections };
}

/** The `code` of an error's cause, where undici puts the system's (ECONNRESET, ECONNREFUSED, …). */
export const causeCode = (error: unknown): unknown => ((error as { cause?: { code?: unknown } }).cause ?? {}).code;
