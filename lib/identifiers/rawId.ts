import { InvalidIdentifierError } from "../errors.js";
import { describeType, getIdentifierKind } from "./identifierKind.js";
import type {
  CommunicationCloudEnvironment,
  CommunicationIdentifier,
  CommunicationIdentifierKind,
  PhoneNumberKind,
} from "./identifierModels.js";

const PHONE_PREFIX = "4:";

/** Raw-id prefixes by cloud, for the kinds whose prefix depends on it. */
const teamsUserPrefix = { public: "8:orgid:", dod: "8:dod:", gcch: "8:gcch:" } as const;
const teamsAppPrefix = { public: "28:orgid:", dod: "28:dod:", gcch: "28:gcch:" } as const;
const extensionUserPrefix = { public: "8:acs:", dod: "8:dod-acs:", gcch: "8:gcch-acs:" } as const;

/**
 * The raw id of an identifier: its `rawId` when set, else the one derived from its fields, in the
 * formats every ACS service uses. Throws InvalidIdentifierError for anything that is no identifier
 * (where the Azure SDK returns `undefined`).
 *
 * @example
 * ```ts
 * getIdentifierRawId({ phoneNumber: "+14255550123" }); // "4:+14255550123"
 * getIdentifierRawId({ microsoftTeamsUserId: "45ab2481-…", cloud: "gcch" }); // "8:gcch:45ab2481-…"
 * ```
 */
export function getIdentifierRawId(identifier: CommunicationIdentifier): string {
  const tagged = getIdentifierKind(identifier);
  switch (tagged.kind) {
    case "communicationUser":
      return tagged.communicationUserId;
    case "unknown":
      return tagged.id;
    case "phoneNumber":
      return tagged.rawId || `${PHONE_PREFIX}${tagged.phoneNumber}`;
    case "microsoftTeamsUser":
      if (tagged.rawId) return tagged.rawId;
      if (tagged.isAnonymous) return `8:teamsvisitor:${tagged.microsoftTeamsUserId}`;
      return `${teamsUserPrefix[tagged.cloud ?? "public"]}${tagged.microsoftTeamsUserId}`;
    case "microsoftTeamsApp":
      return tagged.rawId || `${teamsAppPrefix[tagged.cloud ?? "public"]}${tagged.teamsAppId}`;
    case "teamsExtensionUser": {
      const { resourceId, tenantId, userId } = tagged;
      return tagged.rawId || `${extensionUserPrefix[tagged.cloud ?? "public"]}${resourceId}_${tenantId}_${userId}`;
    }
  }
}

function phoneNumberFromRawId(rawId: string): PhoneNumberKind {
  const phoneNumber = rawId.slice(PHONE_PREFIX.length);
  const isAnonymous = phoneNumber === "anonymous";
  // The asserted id follows the last "_", when there is text after it.
  const assertedIdStart = isAnonymous ? 0 : phoneNumber.lastIndexOf("_") + 1;
  const hasAssertedId = assertedIdStart > 0 && assertedIdStart < phoneNumber.length;
  const identifier: PhoneNumberKind = { kind: "phoneNumber", phoneNumber, isAnonymous };
  return hasAssertedId ? { ...identifier, assertedId: phoneNumber.slice(assertedIdStart) } : identifier;
}

function cloudOf(prefixes: Record<CommunicationCloudEnvironment, string>, prefix: string) {
  return (Object.keys(prefixes) as CommunicationCloudEnvironment[]).find((cloud) => prefixes[cloud] === prefix);
}

/**
 * The identifier a raw id stands for, exactly as `@azure/communication-common` parses it: `4:` phone
 * numbers (with `anonymous` and asserted ids), Teams users and visitors, Teams apps, Teams extension
 * users (`8:acs:` with three `_`-separated parts; any other `8:acs:` id is an ACS user), and an
 * unknown identifier for anything else. Throws InvalidIdentifierError for a non-string.
 *
 * @example
 * ```ts
 * createIdentifierFromRawId("4:+14255550123"); // { kind: "phoneNumber", phoneNumber: "+14255550123", isAnonymous: false, … }
 * createIdentifierFromRawId("8:orgid:45ab2481-…"); // { kind: "microsoftTeamsUser", cloud: "public", … }
 * ```
 */
export function createIdentifierFromRawId(rawId: string): CommunicationIdentifierKind {
  if (typeof rawId !== "string") {
    throw new InvalidIdentifierError(`A raw id must be a string; got ${describeType(rawId)}.`);
  }
  if (rawId.startsWith(PHONE_PREFIX)) return phoneNumberFromRawId(rawId);
  const segments = rawId.split(":");
  if (segments.length !== 3) return { kind: "unknown", id: rawId };
  const [first, second, suffix = ""] = segments;
  const prefix = `${first}:${second}:`;
  if (prefix === "8:teamsvisitor:")
    return { kind: "microsoftTeamsUser", microsoftTeamsUserId: suffix, isAnonymous: true };
  if (prefix === "8:spool:") return { kind: "communicationUser", communicationUserId: rawId };

  const teamsUserCloud = cloudOf(teamsUserPrefix, prefix);
  if (teamsUserCloud) {
    return { kind: "microsoftTeamsUser", microsoftTeamsUserId: suffix, isAnonymous: false, cloud: teamsUserCloud };
  }
  const teamsAppCloud = cloudOf(teamsAppPrefix, prefix);
  if (teamsAppCloud) return { kind: "microsoftTeamsApp", teamsAppId: suffix, cloud: teamsAppCloud };
  const extensionCloud = cloudOf(extensionUserPrefix, prefix);
  if (extensionCloud) {
    const parts = suffix.split("_");
    if (parts.length !== 3) return { kind: "communicationUser", communicationUserId: rawId };
    const [resourceId = "", tenantId = "", userId = ""] = parts;
    return { kind: "teamsExtensionUser", userId, tenantId, resourceId, cloud: extensionCloud };
  }
  return { kind: "unknown", id: rawId };
}
