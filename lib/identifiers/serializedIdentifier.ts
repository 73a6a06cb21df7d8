import type { CommunicationCloudEnvironment } from "./identifierModels.js";

/**
 * An identifier as ACS REST APIs send and receive it (the wire format of `@azure/communication-common`).
 *
 * @example
 * ```ts
 * const wire: SerializedCommunicationIdentifier = { rawId: "4:+14255550123", phoneNumber: { value: "+14255550123" } };
 * ```
 */
export interface SerializedCommunicationIdentifier {
  /** The kind; inferred from the nested model when missing. */
  kind?: string;
  /** The raw id; always present in what the services send. */
  rawId?: string;
  communicationUser?: SerializedCommunicationUserIdentifier;
  phoneNumber?: SerializedPhoneNumberIdentifier;
  microsoftTeamsUser?: SerializedMicrosoftTeamsUserIdentifier;
  microsoftTeamsApp?: SerializedMicrosoftTeamsAppIdentifier;
  teamsExtensionUser?: SerializedTeamsExtensionUserIdentifier;
}

/** The cloud, on the wire. */
export type SerializedCommunicationCloudEnvironment = CommunicationCloudEnvironment;

/** An ACS user, on the wire. */
export interface SerializedCommunicationUserIdentifier {
  id: string;
}

/** A phone number, on the wire. */
export interface SerializedPhoneNumberIdentifier {
  value: string;
  assertedId?: string;
  isAnonymous?: boolean;
}

/** A Teams user, on the wire. */
export interface SerializedMicrosoftTeamsUserIdentifier {
  userId: string;
  isAnonymous?: boolean;
  cloud?: SerializedCommunicationCloudEnvironment;
}

/** A Teams application, on the wire. */
export interface SerializedMicrosoftTeamsAppIdentifier {
  appId: string;
  cloud?: SerializedCommunicationCloudEnvironment;
}

/** A Teams extension user, on the wire. */
export interface SerializedTeamsExtensionUserIdentifier {
  userId: string;
  tenantId: string;
  resourceId: string;
  cloud?: SerializedCommunicationCloudEnvironment;
}
