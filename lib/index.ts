/* The token credential */
export { CommunicationTokenCredential } from "./CommunicationTokenCredential.js";
export { CommunicationTokenCredential as AzureCommunicationTokenCredential } from "./CommunicationTokenCredential.js";
export type {
  AbortSignalLike,
  AccessToken,
  CommunicationGetTokenOptions,
  FetchFunction,
  TokenCredentialLike,
} from "./types.js";
export type { CommunicationAccessToken, ServerClockReport, TokenInput } from "./token/accessToken.js";
export type { CredentialState } from "./refresh/credentialState.js";
export type { CommunicationTokenRefreshOptions, RetryOptions } from "./options/options.js";
export type { RefreshProgress, TokenRefresher } from "./options/tokenRefresher.js";
export {
  createRefreshLimiter,
  type RefreshLimiter,
  type RefreshLimiterOptions,
  type RefreshPriority,
} from "./limiter/refreshLimiter.js";

/* A ready refresher for your token endpoint */
export { TokenEndpointError } from "./errors.js";
export { tokenEndpoint, type TokenEndpointFetch, type TokenEndpointOptions } from "./tokenEndpoint/tokenEndpoint.js";

/* Errors */
export {
  CredentialDisposedError,
  HttpStatusError,
  InsecureConnectionError,
  InvalidAccessKeyError,
  InvalidConnectionStringError,
  InvalidEndpointError,
  InvalidIdentifierError,
  InvalidTokenError,
  RefreshTimeoutError,
  TokenExchangeError,
  TokenExpiredError,
} from "./errors.js";

/* Communication identifiers */
export type {
  CommunicationCloudEnvironment,
  CommunicationIdentifier,
  CommunicationIdentifierKind,
  CommunicationUserIdentifier,
  CommunicationUserKind,
  MicrosoftTeamsAppIdentifier,
  MicrosoftTeamsAppKind,
  MicrosoftTeamsUserIdentifier,
  MicrosoftTeamsUserKind,
  PhoneNumberIdentifier,
  PhoneNumberKind,
  TeamsExtensionUserIdentifier,
  TeamsExtensionUserKind,
  UnknownIdentifier,
  UnknownIdentifierKind,
} from "./identifiers/identifierModels.js";
export {
  getIdentifierKind,
  isCommunicationUserIdentifier,
  isMicrosoftTeamsAppIdentifier,
  isMicrosoftTeamsUserIdentifier,
  isPhoneNumberIdentifier,
  isTeamsExtensionUserIdentifier,
  isUnknownIdentifier,
} from "./identifiers/identifierKind.js";
export { createIdentifierFromRawId, getIdentifierRawId } from "./identifiers/rawId.js";
export { identifierKey, isSameIdentifier } from "./identifiers/identifierEquality.js";
export { deserializeCommunicationIdentifier, serializeCommunicationIdentifier } from "./identifiers/serialization.js";
export type {
  SerializedCommunicationCloudEnvironment,
  SerializedCommunicationIdentifier,
  SerializedCommunicationUserIdentifier,
  SerializedMicrosoftTeamsAppIdentifier,
  SerializedMicrosoftTeamsUserIdentifier,
  SerializedPhoneNumberIdentifier,
  SerializedTeamsExtensionUserIdentifier,
} from "./identifiers/serializedIdentifier.js";

/* Access keys and authenticated requests */
export { AccessKeyCredential, type KeyCredential } from "./auth/AccessKeyCredential.js";
export { parseConnectionString, type ParsedConnectionString } from "./auth/connectionString.js";
export {
  isKeyCredential,
  isTokenCredential,
  parseClientArguments,
  type ClientArguments,
} from "./auth/clientArguments.js";
export { signRequest, type AccessKeyHeaders, type RequestToSign } from "./auth/signRequest.js";
export { createAuthenticatedFetch, type AuthenticatedFetchOptions } from "./auth/authenticatedFetch.js";
export { createRejectedTokenRenewal, type RenewableCredential } from "./auth/tokenRenewal.js";
export { createResourceMatcher } from "./auth/protectedResources.js";

/* Entra ID token exchange */
export type { EntraCommunicationTokenCredentialOptions, EntraTokenCredential } from "./entra/entraOptions.js";
