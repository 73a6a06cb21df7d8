import { CredentialDisposedError } from "../errors.js";
import type { RetryPolicy } from "../options/options.js";

/** Whether a failed background refresh is retried (C13): never after dispose, else as `shouldRetry` says. */
export function wantsRetry(policy: RetryPolicy, error: unknown, attempt: number): boolean {
  if (error instanceof CredentialDisposedError) return false;
  try {
    return policy.shouldRetry(error, attempt) !== false;
  } catch {
    return false; // a throwing shouldRetry must not escape from a background timer (C13)
  }
}
