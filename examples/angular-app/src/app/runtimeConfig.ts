import { InjectionToken } from "@angular/core";

/**
 * What the app learns at start-up rather than at build time: the ACS endpoint, the one origin that
 * gets the user's token, and, for the demonstration, a look-alike host that must never get it.
 *
 * @example
 * ```ts
 * const config: RuntimeConfig = {
 *   acsEndpoint: "https://contoso.communication.azure.com",
 *   lookAlikeEndpoint: "https://contoso.communication.azure.com.example.net",
 * };
 * ```
 */
export interface RuntimeConfig {
  readonly acsEndpoint: string;
  readonly lookAlikeEndpoint: string;
}

/**
 * The RuntimeConfig the app was started with, for components.
 *
 * @example
 * ```ts
 * const { acsEndpoint } = inject(RUNTIME_CONFIG);
 * ```
 */
export const RUNTIME_CONFIG = new InjectionToken<RuntimeConfig>("RuntimeConfig: read by main.ts from config.json");

function endpointField(body: Record<string, unknown>, name: keyof RuntimeConfig): string {
  const value = body[name];
  if (typeof value !== "string" || !URL.canParse(value)) throw new TypeError(`config.json: ${name} must be a URL.`);
  return value;
}

/**
 * Reads the RuntimeConfig from `url` (relative to the page) with a plain fetch: HttpClient does not
 * exist before bootstrap, and the config request needs no token anyway.
 *
 * @example
 * ```ts
 * const config = await loadRuntimeConfig("config.json");
 * await bootstrapApplication(AppComponent, appConfig(config));
 * ```
 */
export async function loadRuntimeConfig(url: string): Promise<RuntimeConfig> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status} ${response.statusText}`);
  const body = (await response.json()) as Record<string, unknown>;
  return {
    acsEndpoint: endpointField(body, "acsEndpoint"),
    lookAlikeEndpoint: endpointField(body, "lookAlikeEndpoint"),
  };
}
