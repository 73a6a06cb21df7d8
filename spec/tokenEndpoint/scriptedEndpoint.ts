import { tokenEndpoint, type RefreshProgress, type TokenEndpointOptions } from "../../lib/index.js";
import { track } from "../support/fakeTime.js";
import { OPAQUE_TOKEN, START } from "../support/tokens.js";

// A fetch that plays a script, for the specs of tokenEndpoint's retries on fake time: what each
// request gets (an answer, possibly late or broken off; a rejection; nothing), and when it came.

/** The endpoint the scripted specs ask; no request leaves the process. */
export const ENDPOINT = "https://app.example/api/acs-token";

/**
 * A scripted answer: a status with headers (Content-Type application/json unless given) and a body
 * ("{}" unless given). `bodyBreaksWith`: reading the body fails with it, as when the connection drops
 * mid-way. `afterMs`: the headers come that long after the request, unless its signal aborts first.
 * `bodyAfterMs`: the body comes that long after the headers, empty if the signal aborted meanwhile.
 */
export interface AnswerStep {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  bodyBreaksWith?: unknown;
  afterMs?: number;
  bodyAfterMs?: number;
}

/**
 * What the scripted endpoint does with one request: answer it; reject the fetch with `rejectWith`;
 * never answer but reject with the signal's reason on abort, as fetch does ("hang"); or never answer
 * and ignore the abort, as a careless custom fetch might ("deaf").
 */
export type Step = AnswerStep | { rejectWith: unknown } | "hang" | "deaf";

/** A 200 with the token alone as text. */
export const tokenAsText = {
  status: 200,
  body: OPAQUE_TOKEN,
  headers: { "content-type": "text/plain" },
} satisfies Step;

/**
 * What undici's fetch rejects with when a connection fails: a TypeError whose cause has `code`.
 *
 * @example
 * scriptedEndpoint({ rejectWith: fetchFailed("ECONNREFUSED") }, tokenAsText);
 */
export function fetchFailed(code = "ECONNRESET", message = "fetch failed"): TypeError {
  return new TypeError(message, { cause: Object.assign(new Error(`failed with ${code}`), { code }) });
}

/** What became of one answer's body: whether it was cancelled, and whether it was pulled. */
export interface BodyRecord {
  cancelled: boolean;
  read: boolean;
}

// Pulled only when read (highWaterMark 0), so that a cancel before any read reaches `cancel`.
function bodyOf(step: AnswerStep, signal: AbortSignal | undefined, record: BodyRecord): ReadableStream<Uint8Array> {
  const { bodyAfterMs } = step;
  return new ReadableStream<Uint8Array>(
    {
      start: () => (bodyAfterMs === undefined ? undefined : new Promise<void>((come) => setTimeout(come, bodyAfterMs))),
      pull(controller) {
        record.read = true;
        if (step.bodyBreaksWith !== undefined) return controller.error(step.bodyBreaksWith);
        if (!signal?.aborted) controller.enqueue(new TextEncoder().encode(step.body ?? "{}"));
        controller.close();
      },
      cancel() {
        record.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
}

/** A promise that rejects with the signal's reason when it aborts, and otherwise never settles. */
function untilAborted(signal: AbortSignal | undefined): Promise<never> {
  return new Promise((_, reject) => signal?.addEventListener("abort", () => reject(signal.reason)));
}

/**
 * A fetch doing `steps` in turn (the last repeats), recording when each call came (ms since START),
 * the signal it was given, and what became of each answer's body.
 *
 * @example
 * const { fetch, calledAt } = scriptedEndpoint({ status: 503 }, tokenAsText);
 * const outcome = refresh({ fetch, random: () => 0.5 });
 * await advance(750);
 * expect(calledAt).toEqual([0, 750]);
 * expect(outcome.value).toBe(OPAQUE_TOKEN);
 */
export function scriptedEndpoint(...steps: Step[]) {
  const queue = [...steps];
  const calledAt: number[] = [];
  const signals: AbortSignal[] = [];
  const bodies: BodyRecord[] = [];
  const fetch = jest.fn((_url: string, init: RequestInit): Promise<Response> => {
    calledAt.push(Date.now() - START);
    const signal = init.signal ?? undefined;
    signals.push(signal as AbortSignal);
    const step = (queue.length > 1 ? queue.shift() : queue[0]) ?? "hang";
    if (step === "deaf") return new Promise(() => {});
    if (step === "hang") return untilAborted(signal);
    if ("rejectWith" in step) return Promise.reject(step.rejectWith);
    const answer = (): Response => {
      const body: BodyRecord = { cancelled: false, read: false };
      bodies.push(body);
      const headers = { "content-type": "application/json", ...step.headers };
      return new Response(bodyOf(step, signal, body), { status: step.status, headers });
    };
    const { afterMs } = step;
    if (afterMs === undefined) return Promise.resolve(answer());
    return Promise.race([
      untilAborted(signal),
      new Promise<Response>((come) => setTimeout(() => come(answer()), afterMs)),
    ]);
  });
  return { fetch, calledAt, signals, bodies };
}

/** How `refresh` calls the refresher: its signal and progress, and the endpoint (ENDPOINT unless given). */
export interface RefreshCall {
  signal?: AbortSignal | undefined;
  progress?: RefreshProgress | undefined;
  endpoint?: string;
}

/**
 * Starts one refresh of `tokenEndpoint(endpoint, options)`, recording its outcome (see `track`).
 *
 * @example
 * const controller = new AbortController();
 * const outcome = refresh({ fetch }, { signal: controller.signal });
 * controller.abort(reason);
 * await settle();
 * expect(outcome.error).toBe(reason);
 */
export function refresh(
  options: TokenEndpointOptions,
  { signal = new AbortController().signal, progress, endpoint = ENDPOINT }: RefreshCall = {},
) {
  return track(Promise.resolve(tokenEndpoint(endpoint, options)(signal, progress)) as Promise<unknown>);
}
