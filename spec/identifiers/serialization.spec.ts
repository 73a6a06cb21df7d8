import {
  deserializeCommunicationIdentifier,
  InvalidIdentifierError,
  serializeCommunicationIdentifier,
  type CommunicationIdentifier,
  type SerializedCommunicationIdentifier,
} from "../../lib/index.js";

const resource = "bbbcbc1e-9f06-482a-b5d8-20e3f26ef0cd";
const tenant = "45ab2481-1c1c-4005-be24-0ffb879b1130";
const user = "207ffef6-9444-41fb-92ab-20eacaae2768";

describe("identifier wire format (the Azure SDKs' serializer and its tests)", () => {
  describe("serializeCommunicationIdentifier", () => {
    it.each<[string, CommunicationIdentifier, SerializedCommunicationIdentifier]>([
      ["an ACS user", { communicationUserId: "8:acs:x" }, { rawId: "8:acs:x", communicationUser: { id: "8:acs:x" } }],
      [
        "a phone number",
        { phoneNumber: "+12345556789" },
        { rawId: "4:+12345556789", phoneNumber: { value: "+12345556789", isAnonymous: false } },
      ],
      [
        "a phone number with an asserted id",
        { phoneNumber: "+1_2", assertedId: "2", rawId: "4:+1_2" },
        { rawId: "4:+1_2", phoneNumber: { value: "+1_2", isAnonymous: false, assertedId: "2" } },
      ],
      [
        "an anonymous Teams user",
        { microsoftTeamsUserId: "37691ec4-57fb-4c0f-ae31-32791610cb14", isAnonymous: true },
        {
          rawId: "8:teamsvisitor:37691ec4-57fb-4c0f-ae31-32791610cb14",
          microsoftTeamsUser: { userId: "37691ec4-57fb-4c0f-ae31-32791610cb14", isAnonymous: true, cloud: "public" },
        },
      ],
      [
        "a Teams app",
        { teamsAppId: "a", cloud: "gcch" },
        { rawId: "28:gcch:a", microsoftTeamsApp: { appId: "a", cloud: "gcch" } },
      ],
      [
        "a Teams extension user in dod",
        { userId: user, tenantId: tenant, resourceId: resource, cloud: "dod" },
        {
          rawId: `8:dod-acs:${resource}_${tenant}_${user}`,
          teamsExtensionUser: { userId: user, tenantId: tenant, resourceId: resource, cloud: "dod" },
        },
      ],
      ["an unknown identifier", { id: "48:x" }, { rawId: "48:x" }],
      ["an identifier with a stale kind", { kind: "foobar", id: "42", someOtherProp: true } as never, { rawId: "42" }],
    ])("%s", (_, identifier, serialized) => {
      expect(serializeCommunicationIdentifier(identifier)).toEqual(serialized);
    });

    it("throws InvalidIdentifierError for something that is no identifier", () => {
      expect(() => serializeCommunicationIdentifier({ foo: "nonsense" } as never)).toThrow(InvalidIdentifierError);
      expect(() => serializeCommunicationIdentifier(null as never)).toThrow(InvalidIdentifierError);
    });
  });

  describe("deserializeCommunicationIdentifier", () => {
    it.each<[string, SerializedCommunicationIdentifier, unknown]>([
      [
        "an ACS user",
        { rawId: "8:acs:x", communicationUser: { id: "8:acs:x" } },
        { kind: "communicationUser", communicationUserId: "8:acs:x" },
      ],
      [
        "a phone number, isAnonymous defaulting to false",
        { rawId: "4:+1", phoneNumber: { value: "+1" } },
        { kind: "phoneNumber", phoneNumber: "+1", rawId: "4:+1", isAnonymous: false },
      ],
      [
        "a Teams user",
        { rawId: "8:dod:u", microsoftTeamsUser: { userId: "u", isAnonymous: false, cloud: "dod" } },
        { kind: "microsoftTeamsUser", microsoftTeamsUserId: "u", isAnonymous: false, cloud: "dod", rawId: "8:dod:u" },
      ],
      [
        "a Teams app",
        { rawId: "28:orgid:a", microsoftTeamsApp: { appId: "a", cloud: "public" } },
        { kind: "microsoftTeamsApp", teamsAppId: "a", cloud: "public", rawId: "28:orgid:a" },
      ],
      [
        "a Teams extension user",
        { rawId: "8:acs:r_t_u", teamsExtensionUser: { userId: "u", tenantId: "t", resourceId: "r", cloud: "public" } },
        {
          kind: "teamsExtensionUser",
          userId: "u",
          tenantId: "t",
          resourceId: "r",
          cloud: "public",
          rawId: "8:acs:r_t_u",
        },
      ],
      ["only a raw id", { rawId: "48:x" }, { kind: "unknown", id: "48:x" }],
      ["a kind without its model", { kind: "communicationUser", rawId: "8:acs:x" }, { kind: "unknown", id: "8:acs:x" }],
      [
        "a phone kind without its model",
        { kind: "phoneNumber", rawId: "4:+1234555000" },
        { kind: "unknown", id: "4:+1234555000" },
      ],
      [
        "a kind this library does not know",
        { kind: "somethingNew", rawId: "99:x", communicationUser: { id: "99:x" } },
        { kind: "unknown", id: "99:x" },
      ],
      [
        "extra properties, ignored",
        { rawId: "8:acs:x", communicationUser: { id: "8:acs:x", extra: 1 }, extra: true } as never,
        { kind: "communicationUser", communicationUserId: "8:acs:x" },
      ],
    ])("%s", (_, serialized, identifier) => {
      expect(deserializeCommunicationIdentifier(serialized)).toEqual(identifier);
    });

    it("more than one nested model → the Azure SDK's message", () => {
      const both = { rawId: "x", communicationUser: { id: "x" }, phoneNumber: { value: "+1" } };
      expect(() => deserializeCommunicationIdentifier(both)).toThrow(
        'Only one of the properties in ["communicationUser","phoneNumber"] should be present.',
      );
      expect(() => deserializeCommunicationIdentifier(both)).toThrow(
        /^Only one of the properties in \[[\w,"\s]+\] should be present.$/,
      );
    });

    it.each<[SerializedCommunicationIdentifier, string]>([
      [
        { rawId: "x", communicationUser: {} as never },
        "Property id is required for identifier of type communicationUser.",
      ],
      [{ rawId: "4:+1", phoneNumber: {} as never }, "Property value is required for identifier of type phoneNumber."],
      [{ phoneNumber: { value: "+1" } }, "Property rawId is required for identifier of type phoneNumber."],
      [
        { rawId: "8:orgid:u", microsoftTeamsUser: { userId: "u", cloud: "public" } },
        "Property isAnonymous is required for identifier of type microsoftTeamsUser.",
      ],
      [
        { rawId: "8:orgid:u", microsoftTeamsUser: { userId: "u", isAnonymous: false } },
        "Property cloud is required for identifier of type microsoftTeamsUser.",
      ],
      [
        { microsoftTeamsUser: { userId: "u", isAnonymous: false, cloud: "public" } },
        "Property rawId is required for identifier of type microsoftTeamsUser.",
      ],
      [
        { rawId: "28:orgid:a", microsoftTeamsApp: { cloud: "public" } as never },
        "Property appId is required for identifier of type microsoftTeamsApp.",
      ],
      [
        { microsoftTeamsApp: { appId: "a", cloud: "public" } },
        "Property rawId is required for identifier of type microsoftTeamsApp.",
      ],
      [
        { rawId: "8:acs:r_t_u", teamsExtensionUser: { userId: "u", tenantId: "t", cloud: "public" } as never },
        "Property resourceId is required for identifier of type teamsExtensionUser.",
      ],
      [
        { teamsExtensionUser: { userId: "u", tenantId: "t", resourceId: "r", cloud: "public" } },
        "Property rawId is required for identifier of type teamsExtensionUser.",
      ],
      [{}, "Property rawId is required for identifier of type unknown."],
    ])("a missing required property → the Azure SDK's message: %p", (serialized, message) => {
      expect(() => deserializeCommunicationIdentifier(serialized)).toThrow(InvalidIdentifierError);
      expect(() => deserializeCommunicationIdentifier(serialized)).toThrow(message);
    });

    // Where the Azure SDK passes a wrong-typed value through (it only checks that the key exists), ours
    // throws and says which property and what it should be.
    it.each<[unknown, RegExp]>([
      [null, /^A serialized identifier must be an object; got null\.$/],
      ["8:acs:x", /must be an object; got a string/],
      [{ rawId: 4 }, /^Property rawId of identifier of type unknown must be a string; got a number\.$/],
      [{ rawId: "x", communicationUser: "x" }, /^Property communicationUser must be an object; got a string\.$/],
      [
        { rawId: "x", communicationUser: { id: 5 } },
        /Property id of identifier of type communicationUser must be a string/,
      ],
      [
        { rawId: "8:orgid:u", microsoftTeamsUser: { userId: "u", isAnonymous: "no", cloud: "public" } },
        /Property isAnonymous of identifier of type microsoftTeamsUser must be a boolean/,
      ],
      [
        { rawId: "28:orgid:a", microsoftTeamsApp: { appId: "a", cloud: "moon" } },
        /Property cloud of identifier of type microsoftTeamsApp must be "public", "dod" or "gcch"; got a string/,
      ],
    ])("a wrong type → InvalidIdentifierError naming it: %p", (serialized, message) => {
      expect(() => deserializeCommunicationIdentifier(serialized as SerializedCommunicationIdentifier)).toThrow(
        message,
      );
    });

    // The Azure SDK counts a null model as present and throws "Only one of the properties …". REST
    // payloads that spell "absent" as null deserialize here.
    it("a null nested model counts as absent", () => {
      const payload = { rawId: "8:acs:x", communicationUser: { id: "8:acs:x" }, phoneNumber: null } as never;
      expect(deserializeCommunicationIdentifier(payload)).toEqual({
        kind: "communicationUser",
        communicationUserId: "8:acs:x",
      });
    });
  });
});
