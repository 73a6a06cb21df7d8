/**
 * C28 with a real Zone.js (this file runs in a process of its own, so the patching stays here): the
 * credential's timers never join Angular's zone, however they come to be set — here by a component
 * subscribing to its state inside the zone — so the app can become stable.
 */
import "zone.js";
import "@angular/compiler";
import { provideHttpClient } from "@angular/common/http";
import { NgZone, provideZonelessChangeDetection } from "@angular/core";
import { TestBed, TestComponentRenderer } from "@angular/core/testing";
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import {
  injectCommunicationCredential,
  injectCredentialState,
  provideCommunicationCredential,
} from "../../lib/angular/index.js";
import { ENDPOINT } from "./testBed.js"; // also sets up TestBed's environment

afterEach(() => TestBed.resetTestingModule());

test("C28: a state signal made inside the zone sets no timer in it", async () => {
  const zone = new NgZone({ enableLongStackTrace: false });
  TestBed.configureTestingModule({
    providers: [
      provideZonelessChangeDetection(),
      { provide: NgZone, useValue: zone },
      provideHttpClient(),
      provideCommunicationCredential({
        tokenRefresher: async () => ({ token: "token-1", expiresOnTimestamp: Date.now() + 3_600_000 }),
        refreshProactively: false,
        protectedResources: [ENDPOINT],
      }),
      { provide: TestComponentRenderer, useValue: { insertRootElement: () => {}, removeAllRootElements: () => {} } },
    ],
  });
  const credential = TestBed.runInInjectionContext(injectCommunicationCredential);
  await zone.run(() => credential.getToken());
  zone.run(() => TestBed.runInInjectionContext(() => injectCredentialState()));
  assert.equal(credential.toJSON().status, "ready");
  assert.equal(zone.hasPendingMacrotasks, false, "a timer of the credential joined Angular's zone");
});
