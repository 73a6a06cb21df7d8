import { provideHttpClient, withInterceptors } from "@angular/common/http";
import { provideZonelessChangeDetection, type ApplicationConfig } from "@angular/core";
import { acsAuthInterceptor } from "./acsAuth.interceptor.js";
import { ACS_ENDPOINT, ACS_TOKEN_URL } from "./acsCredential.service.js";

/** The providers to copy into an app: HttpClient with the interceptor, and where tokens come from. */
export const appConfig: ApplicationConfig = {
  providers: [
    provideZonelessChangeDetection(),
    provideHttpClient(withInterceptors([acsAuthInterceptor])),
    { provide: ACS_TOKEN_URL, useValue: "/api/acs-token" },
    { provide: ACS_ENDPOINT, useValue: "https://contoso.communication.azure.com" },
  ],
};
