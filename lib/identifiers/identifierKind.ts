import { InvalidIdentifierError } from "../errors.js";
import type {
  CommunicationCloudEnvironment,
  CommunicationIdentifier,
  CommunicationIdentifierKind,
  CommunicationUserIdentifier,
  MicrosoftTeamsAppIdentifier,
  MicrosoftTeamsUserIdentifier,
  PhoneNumberIdentifier,
  TeamsExtensionUserIdentifier,
  UnknownIdentifier,
} from "./identifierModels.js";

type Fields = Record<string, unknown>;

function hasString(value: unknown, ...keys: string[]): boolean {
  return typeof value === "object" && value !== null && keys.every((key) => typeof (value as Fields)[key] === "string");
}

/** Names the type of `value` for an error message, never its content. */
export function describeType(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/**
 * True for an ACS user (a string `communicationUserId`). Like every guard here, false for anything
 * else, `null` included.
 *
 * @example
 * ```ts
 * if (isCommunicationUserIdentifier(participant)) console.log(participant.communicationUserId);
 * ```
 */
export function isCommunicationUserIdentifier(identifier: unknown): identifier is CommunicationUserIdentifier {
  return hasString(identifier, "communicationUserId");
}

/**
 * True for a phone number (a string `phoneNumber`).
 *
 * @example
 * ```ts
 * if (isPhoneNumberIdentifier(participant)) dialPad.show(participant.phoneNumber);
 * ```
 */
export function isPhoneNumberIdentifier(identifier: unknown): identifier is PhoneNumberIdentifier {
  return hasString(identifier, "phoneNumber");
}

/**
 * True for a Teams user (a string `microsoftTeamsUserId`).
 *
 * @example
 * ```ts
 * if (isMicrosoftTeamsUserIdentifier(participant) && participant.isAnonymous) badge.show("Guest");
 * ```
 */
export function isMicrosoftTeamsUserIdentifier(identifier: unknown): identifier is MicrosoftTeamsUserIdentifier {
  return hasString(identifier, "microsoftTeamsUserId");
}

/**
 * True for a Teams application (a string `teamsAppId`).
 *
 * @example
 * ```ts
 * if (isMicrosoftTeamsAppIdentifier(participant)) avatar.show("bot");
 * ```
 */
export function isMicrosoftTeamsAppIdentifier(identifier: unknown): identifier is MicrosoftTeamsAppIdentifier {
  return hasString(identifier, "teamsAppId");
}

/**
 * True for a Teams Phone extensibility user (string `userId`, `tenantId` and `resourceId`).
 *
 * @example
 * ```ts
 * if (isTeamsExtensionUserIdentifier(participant)) console.log(participant.tenantId);
 * ```
 */
export function isTeamsExtensionUserIdentifier(identifier: unknown): identifier is TeamsExtensionUserIdentifier {
  return hasString(identifier, "userId", "tenantId", "resourceId");
}

/**
 * True for an identifier of an unknown kind (a string `id`).
 *
 * @example
 * ```ts
 * if (isUnknownIdentifier(participant)) console.log("raw id", participant.id);
 * ```
 */
export function isUnknownIdentifier(identifier: unknown): identifier is UnknownIdentifier {
  return hasString(identifier, "id");
}

/** Field checks shared with the wire-format reader. */
export const isString = (value: unknown): value is string => typeof value === "string";
export const isBoolean = (value: unknown): value is boolean => typeof value === "boolean";
export const isCloud = (value: unknown): value is CommunicationCloudEnvironment =>
  value === "public" || value === "dod" || value === "gcch";
export const CLOUDS = '"public", "dod" or "gcch"';

const rawId = ["rawId", isString, "a string"] as const;
const isAnonymous = ["isAnonymous", isBoolean, "a boolean"] as const;
const cloud = ["cloud", isCloud, CLOUDS] as const;

/** Each kind, the guard that recognises it, and the optional fields it has, in the Azure SDK's order. */
const kinds = [
  ["communicationUser", isCommunicationUserIdentifier, []],
  ["phoneNumber", isPhoneNumberIdentifier, [rawId, isAnonymous, ["assertedId", isString, "a string"]]],
  ["microsoftTeamsUser", isMicrosoftTeamsUserIdentifier, [rawId, isAnonymous, cloud]],
  ["microsoftTeamsApp", isMicrosoftTeamsAppIdentifier, [rawId, cloud]],
  ["teamsExtensionUser", isTeamsExtensionUserIdentifier, [rawId, cloud]],
  ["unknown", isUnknownIdentifier, []],
] as const;

/**
 * The identifier tagged with its kind, checked in the order of `@azure/communication-common`: ACS
 * user, phone number, Teams user, Teams app, Teams extension user, then unknown. Throws
 * InvalidIdentifierError for anything that is no identifier (where the Azure SDK returns an
 * "unknown" without an id, or throws a TypeError), or whose optional fields have the wrong type.
 *
 * @example
 * ```ts
 * getIdentifierKind({ phoneNumber: "+14255550123" }); // { phoneNumber: "+14255550123", kind: "phoneNumber" }
 * ```
 */
export function getIdentifierKind(identifier: CommunicationIdentifier): CommunicationIdentifierKind {
  if (typeof identifier !== "object" || identifier === null || Array.isArray(identifier)) {
    throw new InvalidIdentifierError(`An identifier must be an object; got ${describeType(identifier)}.`);
  }
  const match = kinds.find(([, guard]) => guard(identifier));
  if (match === undefined) {
    throw new InvalidIdentifierError(
      "The object is no communication identifier: it has none of communicationUserId, phoneNumber, " +
        "microsoftTeamsUserId, teamsAppId, userId with tenantId and resourceId, or id as a string.",
    );
  }
  const [kind, , optionalFields] = match;
  for (const [key, valid, expected] of optionalFields) {
    const value = (identifier as unknown as Fields)[key];
    if (value !== undefined && !valid(value)) {
      throw new InvalidIdentifierError(`The identifier's ${key} must be ${expected}; got ${describeType(value)}.`);
    }
  }
  return { ...identifier, kind } as CommunicationIdentifierKind;
}
