/** The default scope: an ACS user token for the Communication clients (chat, calling). */
export const DEFAULT_SCOPES: readonly string[] = ["https://communication.azure.com/clients/.default"];

const COMMUNICATION_CLIENTS_PREFIX = "https://communication.azure.com/clients/";
const TEAMS_EXTENSION_PREFIXES = [
  "https://auth.msft.communication.azure.com/",
  "https://auth.msft.communication.azure.us/",
];

/** Where the exchange goes for a set of scopes. */
export interface ExchangeTarget {
  readonly path: string;
  readonly apiVersion: string;
}

const teamsExtension: ExchangeTarget = {
  path: "/access/teamsExtension/:exchangeAccessToken",
  apiVersion: "2025-06-30",
};
const communicationClients: ExchangeTarget = {
  path: "/access/entra/:exchangeAccessToken",
  apiVersion: "2025-03-02-preview",
};

const SCOPE_RULE =
  `Ensure all scopes start with either ${TEAMS_EXTENSION_PREFIXES.join(" or ")} (Teams Phone extensibility) ` +
  `or ${COMMUNICATION_CLIENTS_PREFIX} (Communication clients).`;

function startsWithAny(scope: string, prefixes: readonly string[]): boolean {
  const lower = scope.toLowerCase();
  return prefixes.some((prefix) => lower.startsWith(prefix));
}

/**
 * The exchange endpoint for `scopes` (as the JS and .NET SDKs' Entra credentials choose it): all Teams-extension scopes (public or
 * `.us` sovereign) → the Teams extension exchange; all Communication-clients scopes → the Entra
 * exchange. Prefixes match in any case, as .NET 1.4.1 does. Throws a TypeError starting with the
 * Azure SDK's "Scopes validation failed." for an empty, mixed or unknown list.
 */
export function exchangeTargetFor(scopes: unknown): ExchangeTarget {
  if (!Array.isArray(scopes) || scopes.length === 0) {
    throw new TypeError(`Scopes validation failed. options.scopes must be a non-empty array of strings. ${SCOPE_RULE}`);
  }
  if (!scopes.every((scope): scope is string => typeof scope === "string")) {
    throw new TypeError(`Scopes validation failed. options.scopes must hold only strings. ${SCOPE_RULE}`);
  }
  if (scopes.every((scope) => startsWithAny(scope, TEAMS_EXTENSION_PREFIXES))) return teamsExtension;
  if (scopes.every((scope) => startsWithAny(scope, [COMMUNICATION_CLIENTS_PREFIX]))) return communicationClients;
  throw new TypeError(`Scopes validation failed. ${SCOPE_RULE}`);
}
