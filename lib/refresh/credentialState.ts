import type { AccessToken } from "../types.js";

/**
 * What the credential is doing, as `state$` emits it. `token` is present only while it is valid.
 *
 * - `idle`: no valid token, nothing in flight.
 * - `queued`: a refresh waits its turn in the `refreshLimiter` (C31); `token` is the current one, while
 *   it is still valid.
 * - `refreshing`: the refresher is running; `token` is the current one, while it is still valid.
 * - `ready`: a valid token; `refreshAt` is when the next proactive refresh is due, if any.
 * - `failed`: the last refresh failed with `error`; `retryAt` is when a background retry is due, if any.
 * - `disposed`: the credential is disposed; `state$` completes after this.
 *
 * `clockOffsetMs`, when present, is how far the token issuer's clock is ahead of this machine's
 * (negative: behind), as learned from the last token (C25); tokens' `expiresOnTimestamp` are already
 * on this machine's clock. An app can tell its user that the computer's clock is wrong.
 *
 * @example
 * ```ts
 * credential.state$.subscribe((state) => {
 *   if (state.status === "failed") console.warn("token refresh failed", state.error.message, state.retryAt);
 * });
 * ```
 */
export type CredentialState =
  | { readonly status: "idle"; readonly clockOffsetMs?: number }
  | { readonly status: "queued"; readonly token?: AccessToken; readonly clockOffsetMs?: number }
  | { readonly status: "refreshing"; readonly token?: AccessToken; readonly clockOffsetMs?: number }
  | {
      readonly status: "ready";
      readonly token: AccessToken;
      readonly refreshAt?: number;
      readonly clockOffsetMs?: number;
    }
  | {
      readonly status: "failed";
      readonly error: Error;
      readonly token?: AccessToken;
      readonly retryAt?: number;
      readonly clockOffsetMs?: number;
    }
  | { readonly status: "disposed" };

/** Everything a state is made of, before empty fields are dropped. */
export interface StateFields {
  status: CredentialState["status"];
  token?: AccessToken | undefined;
  refreshAt?: number | undefined;
  error?: unknown;
  retryAt?: number | undefined;
  clockOffsetMs?: number | undefined;
}

const inspectCustom = Symbol.for("nodejs.util.inspect.custom");

// The token keeps only its expiry. For JSON an error keeps its name and message (which never hold a
// token, C20): JSON.stringify of an Error alone gives {}, and a JSON logger would lose why it failed.
function redacted(state: StateFields, forJson: boolean): Record<string, unknown> {
  const { token, ...shown } = state as StateFields & Record<string, unknown>;
  const { error } = state;
  if (forJson && error instanceof Error) shown["error"] = { name: error.name, message: error.message };
  if (token !== undefined) shown["token"] = { expiresOnTimestamp: token.expiresOnTimestamp };
  return shown;
}

// A state may be logged whole (console.log, a JSON logger): both print it without the token string.
const redactedState = {
  toJSON(this: StateFields) {
    return redacted(this, true);
  },
  [inspectCustom](this: StateFields) {
    return redacted(this, false);
  },
};

/** The Error a failed state shows: the refresher's own Error, or one that says what was thrown instead. */
export function asError(error: unknown): Error {
  return error instanceof Error
    ? error
    : new Error(`The tokenRefresher failed with a non-Error value: ${typeof error}.`);
}

function bareState(status: "idle" | "disposed"): CredentialState {
  const state = Object.create(redactedState) as Record<string, unknown>;
  state["status"] = status;
  return Object.freeze(state) as CredentialState;
}

// Every idle credential shares one state object, and so does every disposed one.
const idle = bareState("idle");
const disposed = bareState("disposed");

/** Builds a frozen state, keeping only the fields its status has and that are set. */
export function createState(fields: StateFields): CredentialState {
  const skewed = fields.clockOffsetMs !== undefined && fields.clockOffsetMs !== 0;
  if (fields.status === "idle" && !skewed) return idle;
  if (fields.status === "disposed") return disposed;
  const state = Object.create(redactedState) as Record<string, unknown>;
  state["status"] = fields.status;
  if (fields.token !== undefined) state["token"] = fields.token;
  if (fields.status === "ready" && fields.refreshAt !== undefined) state["refreshAt"] = fields.refreshAt;
  if (fields.status === "failed") {
    state["error"] = asError(fields.error);
    if (fields.retryAt !== undefined) state["retryAt"] = fields.retryAt;
  }
  if (skewed) state["clockOffsetMs"] = fields.clockOffsetMs;
  return Object.freeze(state) as CredentialState;
}

/** True when two states would look the same to a subscriber, so the second need not be emitted. */
export function isSameState(a: CredentialState, b: CredentialState): boolean {
  const x = a as StateFields;
  const y = b as StateFields;
  return (
    x.status === y.status &&
    x.token === y.token &&
    x.refreshAt === y.refreshAt &&
    x.error === y.error &&
    x.retryAt === y.retryAt &&
    x.clockOffsetMs === y.clockOffsetMs
  );
}
