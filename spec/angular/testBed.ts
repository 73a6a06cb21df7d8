/**
 * The TestBed the Angular specs share: real @angular/core and @angular/common in JIT mode, zoneless,
 * against Angular's HTTP testing backend (provideHttpClientTesting, HttpTestingController), which also
 * receives what goes straight to HttpBackend. node:test rather than Jest: Angular ships ES modules
 * only, which this project's CommonJS Jest setup does not load.
 */
import "@angular/compiler";
import { HttpClient, provideHttpClient, withInterceptors, type HttpInterceptorFn } from "@angular/common/http";
import { HttpTestingController, provideHttpClientTesting, type TestRequest } from "@angular/common/http/testing";
import { provideZonelessChangeDetection, type EnvironmentProviders, type Signal } from "@angular/core";
import { TestBed, TestComponentRenderer } from "@angular/core/testing";
import { BrowserTestingModule, platformBrowserTesting } from "@angular/platform-browser/testing";
import assert from "node:assert/strict";
import type { CommunicationTokenCredential } from "../../lib/CommunicationTokenCredential.js";
import type { CredentialState } from "../../lib/refresh/credentialState.js";
import {
  communicationCredentialInterceptor,
  injectCommunicationCredential,
  injectCredentialState,
  provideCommunicationCredential,
  type CommunicationCredentialOptions,
} from "../../lib/angular/index.js";

import { loadRefreshPipeline } from "../../lib/refresh/pipelineLoader.js";

// The refresh pipeline is a chunk the library starts loading when it is imported; here tsx compiles
// it on the fly, which takes longer than the few event-loop turns the specs give a token request.
// Loaded before any spec runs, as it is in an app long before the first refresh.
await loadRefreshPipeline();

export const ENDPOINT = "https://contoso.communication.azure.com";
export const TOKEN_URL = "/api/acs-token";
export const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();
export const UNAUTHORIZED = { status: 401, statusText: "Unauthorized" };

export let http: HttpClient;
export let backend: HttpTestingController;
/** The URLs of the requests that went through the app's interceptors (one placed before ours). */
export let intercepted: string[] = [];

const recorder: HttpInterceptorFn = (request, next) => {
  intercepted.push(request.urlWithParams);
  return next(request);
};

TestBed.initTestEnvironment(BrowserTestingModule, platformBrowserTesting());

/**
 * A testing module with HttpClient, `interceptors` (by default ours after a recording one), and
 * `credentialProviders`: by default provideCommunicationCredential with tokenUrl TOKEN_URL protecting
 * ENDPOINT, with `options`.
 */
export function configure(
  options: Partial<CommunicationCredentialOptions> = {},
  credentialProviders: EnvironmentProviders[] = [
    provideCommunicationCredential({ tokenUrl: TOKEN_URL, protectedResources: [ENDPOINT], ...options }),
  ],
  interceptors: HttpInterceptorFn[] = [recorder, communicationCredentialInterceptor],
): void {
  intercepted = [];
  TestBed.configureTestingModule({
    providers: [
      provideZonelessChangeDetection(),
      provideHttpClient(withInterceptors(interceptors)),
      provideHttpClientTesting(),
      ...credentialProviders,
      // No components are rendered and Node has no DOM: TestBed's teardown has no root elements to remove.
      { provide: TestComponentRenderer, useValue: { insertRootElement: () => {}, removeAllRootElements: () => {} } },
    ],
  });
  http = TestBed.inject(HttpClient);
  backend = TestBed.inject(HttpTestingController);
}

/** injectCommunicationCredential() in the testing module's injection context. */
export const credential = (): CommunicationTokenCredential =>
  TestBed.runInInjectionContext(injectCommunicationCredential);

/** injectCredentialState() in the testing module's injection context. */
export const stateSignal = (): Signal<CredentialState> => TestBed.runInInjectionContext(injectCredentialState);

/** Lets timers due now (the credential's next-tick refresh) and promise callbacks run: one event-loop turn. */
export const turn = () => new Promise((resolve) => setTimeout(resolve, 0));

/** The token request the credential makes within a few turns. */
export async function tokenRequest(): Promise<TestRequest> {
  for (let i = 0; i < 20; i++) {
    const [request, ...more] = backend.match(TOKEN_URL); // match() takes the requests it returns
    assert.equal(more.length, 0, "one token request at a time");
    if (request !== undefined) return request;
    await turn();
  }
  assert.fail("the credential made no token request");
}

/** Answers the token request the credential makes (within a few turns) with `token`, as JSON text. */
export async function serveToken(token: string): Promise<void> {
  (await tokenRequest()).flush(JSON.stringify({ token, expiresOn: inAnHour() }));
  await turn();
}
