import { provideHttpClient, withInterceptors } from "@angular/common/http";
import { provideZonelessChangeDetection, type ApplicationConfig } from "@angular/core";
import { communicationCredentialInterceptor, provideCommunicationCredential } from "rx-communication-common/angular";

/**
 * An app's providers: HttpClient with the interceptor that adds the user's ACS token to requests for
 * the ACS resource (and to nothing else), and the credential, which gets its tokens from your server.
 */
export const appConfig: ApplicationConfig = {
  providers: [
    provideZonelessChangeDetection(),
    provideHttpClient(withInterceptors([communicationCredentialInterceptor])),
    provideCommunicationCredential({
      tokenUrl: "/api/acs-token", // your server answers { token, expiresOn } for the signed-in user
      protectedResources: ["https://contoso.communication.azure.com"],
    }),
  ],
};
