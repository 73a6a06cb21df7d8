import { provideHttpClient, withInterceptors } from "@angular/common/http";
import { provideZonelessChangeDetection, type ApplicationConfig } from "@angular/core";
import { communicationCredentialInterceptor, provideCommunicationCredential } from "rx-communication-common/angular";
import { RUNTIME_CONFIG, type RuntimeConfig } from "./runtimeConfig.js";

/**
 * The app's providers: zoneless change detection, HttpClient with the interceptor that adds the
 * user's ACS token to requests for `config.acsEndpoint` (and to nothing else), and the credential,
 * which gets its tokens from the app's own server at `/api/acs-token`, on the page's origin.
 *
 * @example
 * ```ts
 * await bootstrapApplication(AppComponent, appConfig(await loadRuntimeConfig("config.json")));
 * ```
 */
export function appConfig(config: RuntimeConfig): ApplicationConfig {
  return {
    providers: [
      provideZonelessChangeDetection(),
      provideHttpClient(withInterceptors([communicationCredentialInterceptor])),
      provideCommunicationCredential({
        tokenUrl: "/api/acs-token", // answers { token, expiresOn } for the signed-in user
        protectedResources: [config.acsEndpoint],
      }),
      { provide: RUNTIME_CONFIG, useValue: config },
    ],
  };
}
