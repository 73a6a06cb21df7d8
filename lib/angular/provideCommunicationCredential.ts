import { HttpBackend } from "@angular/common/http";
import { DestroyRef, inject, makeEnvironmentProviders, NgZone, type EnvironmentProviders } from "@angular/core";
import { CommunicationTokenCredential } from "../CommunicationTokenCredential.js";
import { createRejectedTokenRenewal } from "../auth/tokenRenewal.js";
import { checkOptions, type CheckedOptions, type CommunicationCredentialOptions } from "./options.js";
import { CREDENTIAL, RENEWAL, RESOURCE_MATCHER } from "./tokens.js";
import { tokenUrlRefresher } from "./tokenUrlRefresher.js";
import { refresherOutsideZone, runOutsideZone, schedulerOutsideZone } from "./zone.js";

/** The credential's factory: runs in the environment injector, on first inject. */
function createCredential({
  tokenSource,
  credentialOptions,
  allowInsecureConnection,
}: CheckedOptions): CommunicationTokenCredential {
  const zone = inject(NgZone, { optional: true });
  const refresher =
    typeof tokenSource === "string"
      ? tokenUrlRefresher(inject(HttpBackend), tokenSource, allowInsecureConnection)
      : tokenSource;
  const destroyRef = inject(DestroyRef);
  // Outside the zone: the credential's timers (a refresh due in 20 minutes) must not keep the app
  // unstable — neither where it is created, nor wherever a subscriber later makes it set a timer.
  const credential = runOutsideZone(
    zone,
    () =>
      new CommunicationTokenCredential({
        ...credentialOptions,
        scheduler: credentialOptions.scheduler ?? schedulerOutsideZone(zone),
        tokenRefresher: refresherOutsideZone(zone, refresher),
      }),
  );
  // In an environment injector DestroyRef is the injector itself: the credential dies with it.
  destroyRef.onDestroy(() => credential.dispose());
  return credential;
}

/**
 * Provides the app's ACS user credential, for `injectCommunicationCredential()`,
 * `injectCredentialState()` and `communicationCredentialInterceptor`. Add it to the application's
 * providers (or a route's), beside `provideHttpClient(withInterceptors([communicationCredentialInterceptor]))`:
 * the interceptor is not registered for you, so that you see which requests it touches.
 *
 * The options are checked here, when the providers are built, so a mistake fails at start-up with a
 * TypeError naming the option. Each is read once and kept as a frozen copy (C2): the credential is
 * built from what was checked, and changing the options object (its `protectedResources` array, its
 * `retry`, its `token`) afterwards changes nothing. The credential itself is created on first inject,
 * outside Angular's zone, and is disposed when its environment injector is destroyed. It refreshes
 * proactively by default.
 *
 * @example
 * ```ts
 * export const appConfig: ApplicationConfig = {
 *   providers: [
 *     provideHttpClient(withInterceptors([communicationCredentialInterceptor])),
 *     provideCommunicationCredential({
 *       tokenUrl: "/api/acs-token", // answers { token, expiresOn }
 *       protectedResources: ["https://contoso.communication.azure.com"],
 *     }),
 *   ],
 * };
 * ```
 */
export function provideCommunicationCredential(options: CommunicationCredentialOptions): EnvironmentProviders {
  const checked = checkOptions(options);
  return makeEnvironmentProviders([
    { provide: RESOURCE_MATCHER, useValue: checked.isProtected },
    { provide: CREDENTIAL, useFactory: () => createCredential(checked) },
    { provide: RENEWAL, useFactory: () => createRejectedTokenRenewal(inject(CREDENTIAL)) },
  ]);
}
