import { InvalidIdentifierError } from "../errors.js";
import { CLOUDS, describeType, getIdentifierKind, isBoolean, isCloud, isString } from "./identifierKind.js";
import type { CommunicationIdentifier, CommunicationIdentifierKind, PhoneNumberKind } from "./identifierModels.js";
import { getIdentifierRawId } from "./rawId.js";
import type { SerializedCommunicationIdentifier } from "./serializedIdentifier.js";

type Fields = Record<string, unknown>;

/** The nested models, in the order the Azure SDK lists them in its "only one" error. */
const nestedModels = [
  "communicationUser",
  "microsoftTeamsUser",
  "microsoftTeamsApp",
  "phoneNumber",
  "teamsExtensionUser",
] as const;
type NestedModel = (typeof nestedModels)[number];
/** The order in which a missing `kind` is inferred from the nested model present. */
const inferenceOrder: readonly NestedModel[] = [
  "communicationUser",
  "phoneNumber",
  "microsoftTeamsUser",
  "microsoftTeamsApp",
  "teamsExtensionUser",
];

/**
 * The wire form of an identifier: `rawId` always, plus the nested model of its kind with the defaults
 * the services expect (`isAnonymous: false`, `cloud: "public"`).
 *
 * @example
 * ```ts
 * serializeCommunicationIdentifier({ phoneNumber: "+14255550123" });
 * // { rawId: "4:+14255550123", phoneNumber: { value: "+14255550123", isAnonymous: false } }
 * ```
 */
export function serializeCommunicationIdentifier(
  identifier: CommunicationIdentifier,
): SerializedCommunicationIdentifier {
  const tagged = getIdentifierKind(identifier);
  // As in the Azure SDK, a rawId that is set goes on the wire as is, even an empty one.
  const rawId = ("rawId" in tagged ? tagged.rawId : undefined) ?? getIdentifierRawId(tagged);
  switch (tagged.kind) {
    case "communicationUser":
      return { rawId, communicationUser: { id: tagged.communicationUserId } };
    case "phoneNumber": {
      const phoneNumber = { value: tagged.phoneNumber, isAnonymous: tagged.isAnonymous ?? false };
      return {
        rawId,
        phoneNumber: tagged.assertedId === undefined ? phoneNumber : { ...phoneNumber, assertedId: tagged.assertedId },
      };
    }
    case "microsoftTeamsUser": {
      const { microsoftTeamsUserId: userId, isAnonymous = false, cloud = "public" } = tagged;
      return { rawId, microsoftTeamsUser: { userId, isAnonymous, cloud } };
    }
    case "microsoftTeamsApp":
      return { rawId, microsoftTeamsApp: { appId: tagged.teamsAppId, cloud: tagged.cloud ?? "public" } };
    case "teamsExtensionUser": {
      const { userId, tenantId, resourceId, cloud = "public" } = tagged;
      return { rawId, teamsExtensionUser: { userId, tenantId, resourceId, cloud } };
    }
    case "unknown":
      return { rawId };
  }
}

/** Reads the required property `key` of `model` (named `type` in messages), checking its type. */
function required<T>(
  model: Fields,
  key: string,
  type: string,
  valid: (value: unknown) => value is T,
  expected: string,
): T {
  const value = model[key];
  if (value === undefined || value === null) {
    throw new InvalidIdentifierError(`Property ${key} is required for identifier of type ${type}.`);
  }
  if (!valid(value)) {
    throw new InvalidIdentifierError(
      `Property ${key} of identifier of type ${type} must be ${expected}; got ${describeType(value)}.`,
    );
  }
  return value;
}

function optional<T>(
  model: Fields,
  key: string,
  type: string,
  valid: (value: unknown) => value is T,
  expected: string,
) {
  return model[key] === undefined ? undefined : required(model, key, type, valid, expected);
}

function nestedModel(serialized: Fields, name: NestedModel): Fields {
  const model = serialized[name];
  if (typeof model !== "object" || model === null || Array.isArray(model)) {
    throw new InvalidIdentifierError(`Property ${name} must be an object; got ${describeType(model)}.`);
  }
  return model as Fields;
}

/**
 * The identifier a wire form stands for, as `@azure/communication-common` reads it: the kind comes
 * from `kind` or from the nested model present; a kind without its nested model, or one this library
 * does not know, becomes an unknown identifier with the raw id. Throws InvalidIdentifierError, with the
 * Azure SDK's messages, when more than one nested model is present or a required property is missing,
 * and also (where the Azure SDK passes the value through) when a property has the wrong type.
 *
 * @example
 * ```ts
 * deserializeCommunicationIdentifier({ rawId: "8:acs:…", communicationUser: { id: "8:acs:…" } });
 * // { kind: "communicationUser", communicationUserId: "8:acs:…" }
 * ```
 */
export function deserializeCommunicationIdentifier(
  serializedIdentifier: SerializedCommunicationIdentifier,
): CommunicationIdentifierKind {
  if (
    typeof serializedIdentifier !== "object" ||
    serializedIdentifier === null ||
    Array.isArray(serializedIdentifier)
  ) {
    throw new InvalidIdentifierError(
      `A serialized identifier must be an object; got ${describeType(serializedIdentifier)}.`,
    );
  }
  const serialized = serializedIdentifier as Fields;
  // A null model counts as absent: some REST payloads spell "absent" that way.
  const present = nestedModels.filter((name) => serialized[name] !== undefined && serialized[name] !== null);
  if (present.length > 1) {
    throw new InvalidIdentifierError(`Only one of the properties in ${JSON.stringify(present)} should be present.`);
  }
  const kind = serialized["kind"] ?? inferenceOrder.find((name) => Boolean(serialized[name])) ?? "unknown";
  const model = present[0];
  if (model === undefined || model !== kind) {
    return { kind: "unknown", id: required(serialized, "rawId", "unknown", isString, "a string") };
  }
  const fields = nestedModel(serialized, model);
  const rawId = () => required(serialized, "rawId", model, isString, "a string");
  switch (model) {
    case "communicationUser":
      return { kind: model, communicationUserId: required(fields, "id", model, isString, "a string") };
    case "phoneNumber": {
      const phoneNumber: PhoneNumberKind = {
        kind: model,
        phoneNumber: required(fields, "value", model, isString, "a string"),
        rawId: rawId(),
        isAnonymous: optional(fields, "isAnonymous", model, isBoolean, "a boolean") ?? false,
      };
      const assertedId = optional(fields, "assertedId", model, isString, "a string");
      return assertedId === undefined ? phoneNumber : { ...phoneNumber, assertedId };
    }
    case "microsoftTeamsUser":
      return {
        kind: model,
        microsoftTeamsUserId: required(fields, "userId", model, isString, "a string"),
        isAnonymous: required(fields, "isAnonymous", model, isBoolean, "a boolean"),
        cloud: required(fields, "cloud", model, isCloud, CLOUDS),
        rawId: rawId(),
      };
    case "microsoftTeamsApp":
      return {
        kind: model,
        teamsAppId: required(fields, "appId", model, isString, "a string"),
        cloud: required(fields, "cloud", model, isCloud, CLOUDS),
        rawId: rawId(),
      };
    case "teamsExtensionUser":
      return {
        kind: model,
        userId: required(fields, "userId", model, isString, "a string"),
        tenantId: required(fields, "tenantId", model, isString, "a string"),
        resourceId: required(fields, "resourceId", model, isString, "a string"),
        cloud: required(fields, "cloud", model, isCloud, CLOUDS),
        rawId: rawId(),
      };
  }
}
