import { InjectionToken } from "@angular/core";
import type { CommunicationTokenCredential } from "../CommunicationTokenCredential.js";
import type { AccessToken, AbortSignalLike } from "../types.js";

// The entry point's internal tokens: provideCommunicationCredential provides them, the inject
// functions and the interceptor read them. Their descriptions are what Angular's "No provider found"
// error shows, so they say what is missing.
const missing = "add provideCommunicationCredential({ … }) to the application's providers";

/** The app's one credential, created (outside the zone) on first inject and disposed with its injector. */
export const CREDENTIAL = new InjectionToken<CommunicationTokenCredential>(`CommunicationTokenCredential: ${missing}`);

/** createRejectedTokenRenewal over CREDENTIAL: one renewal for every 401 of one token. */
export const RENEWAL = new InjectionToken<
  (rejected: AccessToken, abortSignal?: AbortSignalLike) => Promise<AccessToken>
>(`renewal of rejected tokens: ${missing}`);

/** createResourceMatcher over options.protectedResources, built when the options are checked. */
export const RESOURCE_MATCHER = new InjectionToken<(url: string, base?: string) => boolean>(
  `protectedResources: ${missing}`,
);
