/*
 * Start-up: the ACS endpoint comes from config.json, read before bootstrap, so that one build runs
 * against any endpoint (the e2e test's emulator listens on a port picked at run time). A config
 * that cannot be read leaves a message on the page instead of a blank one.
 */
import { bootstrapApplication } from "@angular/platform-browser";
import { AppComponent } from "./app/app.component.js";
import { appConfig } from "./app/app.config.js";
import { loadRuntimeConfig } from "./app/runtimeConfig.js";

loadRuntimeConfig("config.json")
  .then((config) => bootstrapApplication(AppComponent, appConfig(config)))
  .catch((error: unknown) => {
    console.error(error);
    document.body.textContent = `The app could not start: ${error instanceof Error ? error.message : String(error)}`;
  });
