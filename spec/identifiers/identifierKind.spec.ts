import {
  getIdentifierKind,
  InvalidIdentifierError,
  isCommunicationUserIdentifier,
  isMicrosoftTeamsAppIdentifier,
  isMicrosoftTeamsUserIdentifier,
  isPhoneNumberIdentifier,
  isTeamsExtensionUserIdentifier,
  isUnknownIdentifier,
  type CommunicationIdentifier,
} from "../../lib/index.js";

const guards = {
  communicationUser: isCommunicationUserIdentifier,
  phoneNumber: isPhoneNumberIdentifier,
  microsoftTeamsUser: isMicrosoftTeamsUserIdentifier,
  microsoftTeamsApp: isMicrosoftTeamsAppIdentifier,
  teamsExtensionUser: isTeamsExtensionUserIdentifier,
  unknown: isUnknownIdentifier,
};

const samples: [keyof typeof guards, CommunicationIdentifier][] = [
  ["communicationUser", { communicationUserId: "8:acs:x" }],
  ["phoneNumber", { phoneNumber: "+14255550123", isAnonymous: false }],
  ["microsoftTeamsUser", { microsoftTeamsUserId: "u", cloud: "gcch" }],
  ["microsoftTeamsApp", { teamsAppId: "a" }],
  ["teamsExtensionUser", { userId: "u", tenantId: "t", resourceId: "r" }],
  ["unknown", { id: "48:x" }],
];

describe("identifier kinds", () => {
  it.each(samples)("%s: its guard alone says yes, and getIdentifierKind tags it", (kind, identifier) => {
    for (const [name, guard] of Object.entries(guards)) expect(guard(identifier)).toBe(name === kind);
    expect(getIdentifierKind(identifier)).toEqual({ ...identifier, kind });
  });

  it("checks in the Azure SDK's order: a user id wins over a phone number", () => {
    expect(getIdentifierKind({ communicationUserId: "8:acs:x", phoneNumber: "+1" } as never).kind).toBe(
      "communicationUser",
    );
  });

  it("keeps other properties and replaces a stale kind", () => {
    const odd = { kind: "foobar", id: "42", someOtherProp: true };
    expect(getIdentifierKind(odd as never)).toEqual({ kind: "unknown", id: "42", someOtherProp: true });
  });

  it.each([null, undefined, "8:acs:x", 42, true, []])("guards say no to %p instead of throwing", (value) => {
    for (const guard of Object.values(guards)) expect(guard(value)).toBe(false);
  });

  it.each<[string, unknown, RegExp]>([
    ["null", null, /^An identifier must be an object; got null\.$/],
    ["a string", "8:acs:x", /^An identifier must be an object; got a string\.$/],
    ["an array", [], /got an array/],
    ["an object with no identifying field", { foo: "nonsense" }, /none of communicationUserId, phoneNumber/],
    ["a number where a string id belongs", { communicationUserId: 42 }, /none of communicationUserId/],
    [
      "a non-string rawId",
      { phoneNumber: "+1", rawId: 4 },
      /^The identifier's rawId must be a string; got a number\.$/,
    ],
    ["a non-boolean isAnonymous", { phoneNumber: "+1", isAnonymous: "yes" }, /isAnonymous must be a boolean/],
    ["a non-string assertedId", { phoneNumber: "+1", assertedId: 7 }, /assertedId must be a string/],
    ["an unknown cloud", { microsoftTeamsUserId: "u", cloud: "mars" }, /cloud must be "public", "dod" or "gcch"/],
  ])("getIdentifierKind throws InvalidIdentifierError for %s", (_, value, message) => {
    expect(() => getIdentifierKind(value as CommunicationIdentifier)).toThrow(InvalidIdentifierError);
    expect(() => getIdentifierKind(value as CommunicationIdentifier)).toThrow(message);
  });

  it("accepts optional fields spelled out as undefined", () => {
    const spelledOut = { phoneNumber: "+1", rawId: undefined, isAnonymous: undefined, assertedId: undefined };
    expect(getIdentifierKind(spelledOut as never).kind).toBe("phoneNumber");
  });

  it("ignores fields that do not belong to the kind", () => {
    expect(getIdentifierKind({ communicationUserId: "8:acs:x", cloud: "mars" } as never).kind).toBe(
      "communicationUser",
    );
  });
});
