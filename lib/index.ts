/* The token credential */
export { CommunicationTokenCredential } from "./credential/CommunicationTokenCredential.js";
export { CommunicationTokenCredential as AzureCommunicationTokenCredential } from "./credential/CommunicationTokenCredential.js";
export type { AccessToken } from "./credential/accessToken.js";
export type { AbortSignalLike } from "./credential/abortable.js";
export type { CredentialState } from "./credential/credentialState.js";
export type { CommunicationTokenRefreshOptions, RetryOptions, TokenRefresher } from "./credential/options.js";
export type { CommunicationGetTokenOptions } from "./credential/tokenKeeper.js";

/* Errors */
export { CredentialDisposedError, InvalidTokenError, RefreshTimeoutError, TokenExpiredError } from "./errors.js";
