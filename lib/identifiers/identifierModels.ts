/**
 * The communication identifiers of Azure Communication Services, with the names and fields of
 * `@azure/communication-common`: plain data, so they serialize, compare and cross module boundaries
 * as they are.
 */

/** The cloud a Teams identity lives in. */
export type CommunicationCloudEnvironment = "public" | "dod" | "gcch";

/**
 * An Azure Communication Services user.
 *
 * @example
 * ```ts
 * const user: CommunicationUserIdentifier = { communicationUserId: "8:acs:1b5cc06b-…_0000001c-…" };
 * ```
 */
export interface CommunicationUserIdentifier {
  /** The user's id, which is also its raw id. */
  readonly communicationUserId: string;
}

/**
 * A phone number (PSTN participant).
 *
 * @example
 * ```ts
 * const caller: PhoneNumberIdentifier = { phoneNumber: "+14255550123" };
 * ```
 */
export interface PhoneNumberIdentifier {
  /** The raw id, when it is not simply `4:` followed by the phone number. */
  readonly rawId?: string;
  /** The phone number in E.164 format, or `anonymous`. */
  readonly phoneNumber: string;
  /** The asserted id, for a number shared by several calling identities. */
  readonly assertedId?: string;
  /** True for a caller whose number is withheld. */
  readonly isAnonymous?: boolean;
}

/**
 * A Microsoft Teams user.
 *
 * @example
 * ```ts
 * const teamsUser: MicrosoftTeamsUserIdentifier = { microsoftTeamsUserId: "45ab2481-…", cloud: "public" };
 * ```
 */
export interface MicrosoftTeamsUserIdentifier {
  /** The raw id, when it differs from the one derived from the other fields. */
  readonly rawId?: string;
  /** The Entra object id of the user, or the id of an anonymous (visitor) user. */
  readonly microsoftTeamsUserId: string;
  /** True for an anonymous Teams visitor. */
  readonly isAnonymous?: boolean;
  /** The cloud of the user; public when missing. */
  readonly cloud?: CommunicationCloudEnvironment;
}

/**
 * A Microsoft Teams application (a bot, a call queue, an auto attendant).
 *
 * @example
 * ```ts
 * const bot: MicrosoftTeamsAppIdentifier = { teamsAppId: "01234567-89ab-cdef-0123-456789abcdef" };
 * ```
 */
export interface MicrosoftTeamsAppIdentifier {
  /** The raw id, when it differs from the one derived from the other fields. */
  readonly rawId?: string;
  /** The application's id. */
  readonly teamsAppId: string;
  /** The cloud of the application; public when missing. */
  readonly cloud?: CommunicationCloudEnvironment;
}

/**
 * A Teams Phone extensibility user: a Teams user acting through an ACS resource.
 *
 * @example
 * ```ts
 * const agent: TeamsExtensionUserIdentifier = { userId: "207ffef6-…", tenantId: "45ab2481-…", resourceId: "bbbcbc1e-…" };
 * ```
 */
export interface TeamsExtensionUserIdentifier {
  /** The raw id, when it differs from the one derived from the other fields. */
  readonly rawId?: string;
  /** The Entra object id of the user. */
  readonly userId: string;
  /** The Entra tenant of the user. */
  readonly tenantId: string;
  /** The id of the ACS resource. */
  readonly resourceId: string;
  /** The cloud of the user; public when missing. */
  readonly cloud?: CommunicationCloudEnvironment;
}

/**
 * An identifier of a kind this library does not know; its raw id is kept as is.
 *
 * @example
 * ```ts
 * const future: UnknownIdentifier = { id: "48:some-new-kind" };
 * ```
 */
export interface UnknownIdentifier {
  /** The raw id. */
  readonly id: string;
}

/**
 * Any communication identifier.
 *
 * @example
 * ```ts
 * const participants: CommunicationIdentifier[] = [{ communicationUserId: "8:acs:…" }, { phoneNumber: "+14255550123" }];
 * ```
 */
export type CommunicationIdentifier =
  | CommunicationUserIdentifier
  | PhoneNumberIdentifier
  | MicrosoftTeamsUserIdentifier
  | MicrosoftTeamsAppIdentifier
  | TeamsExtensionUserIdentifier
  | UnknownIdentifier;

/** A CommunicationUserIdentifier tagged with its kind. */
export interface CommunicationUserKind extends CommunicationUserIdentifier {
  readonly kind: "communicationUser";
}
/** A PhoneNumberIdentifier tagged with its kind. */
export interface PhoneNumberKind extends PhoneNumberIdentifier {
  readonly kind: "phoneNumber";
}
/** A MicrosoftTeamsUserIdentifier tagged with its kind. */
export interface MicrosoftTeamsUserKind extends MicrosoftTeamsUserIdentifier {
  readonly kind: "microsoftTeamsUser";
}
/** A MicrosoftTeamsAppIdentifier tagged with its kind. */
export interface MicrosoftTeamsAppKind extends MicrosoftTeamsAppIdentifier {
  readonly kind: "microsoftTeamsApp";
}
/** A TeamsExtensionUserIdentifier tagged with its kind. */
export interface TeamsExtensionUserKind extends TeamsExtensionUserIdentifier {
  readonly kind: "teamsExtensionUser";
}
/** An UnknownIdentifier tagged with its kind. */
export interface UnknownIdentifierKind extends UnknownIdentifier {
  readonly kind: "unknown";
}

/**
 * An identifier tagged with its `kind`, for `switch` statements the compiler checks.
 *
 * @example
 * ```ts
 * const identifier = getIdentifierKind(participant);
 * switch (identifier.kind) {
 *   case "phoneNumber": return identifier.phoneNumber;
 *   case "communicationUser": return identifier.communicationUserId;
 *   default: return getIdentifierRawId(identifier);
 * }
 * ```
 */
export type CommunicationIdentifierKind =
  | CommunicationUserKind
  | PhoneNumberKind
  | MicrosoftTeamsUserKind
  | MicrosoftTeamsAppKind
  | TeamsExtensionUserKind
  | UnknownIdentifierKind;
