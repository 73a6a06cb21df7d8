import * as azure from "@azure/communication-common";
import fc from "fast-check";
import * as ours from "../../lib/index.js";
import { arbitraryIdentifier, arbitraryRawId } from "../support/identifierArbitraries.js";

/**
 * Differential tests against @azure/communication-common on generated raw ids and identifiers: the
 * same kind, fields, raw id and wire form. The deliberate differences (a clear error where the SDK
 * returns undefined or a deep TypeError) are asserted in the other identifier specs.
 */
describe("identifiers match @azure/communication-common", () => {
  const runs = { numRuns: 2_000 };

  it("the types are interchangeable both ways (checked by the type-check npm test runs)", () => {
    const fromAzure: ours.CommunicationIdentifierKind = azure.createIdentifierFromRawId("4:+14255550123");
    const toAzure: azure.CommunicationIdentifierKind = ours.createIdentifierFromRawId("4:+14255550123");
    const wire: azure.SerializedCommunicationIdentifier = ours.serializeCommunicationIdentifier(toAzure);
    expect(ours.deserializeCommunicationIdentifier(wire)).toEqual({ ...fromAzure, rawId: "4:+14255550123" });
  });

  it("createIdentifierFromRawId: the same identifier", () => {
    fc.assert(
      fc.property(arbitraryRawId, (rawId) => {
        expect(ours.createIdentifierFromRawId(rawId)).toEqual(azure.createIdentifierFromRawId(rawId));
      }),
      runs,
    );
  });

  it("getIdentifierKind and getIdentifierRawId: the same kind, fields and raw id", () => {
    fc.assert(
      fc.property(arbitraryIdentifier, (identifier) => {
        expect(ours.getIdentifierKind(identifier)).toEqual(azure.getIdentifierKind(identifier));
        expect(ours.getIdentifierRawId(identifier)).toBe(azure.getIdentifierRawId(identifier));
      }),
      runs,
    );
  });

  it("the type guards: the same answers", () => {
    const guards = [
      "isCommunicationUserIdentifier",
      "isPhoneNumberIdentifier",
      "isMicrosoftTeamsUserIdentifier",
      "isMicrosoftTeamsAppIdentifier",
      "isTeamsExtensionUserIdentifier",
      "isUnknownIdentifier",
    ] as const;
    fc.assert(
      fc.property(arbitraryIdentifier, (identifier) => {
        for (const guard of guards) expect(ours[guard](identifier)).toBe(azure[guard](identifier));
      }),
      runs,
    );
  });

  it("serializeCommunicationIdentifier: the same wire form, to the byte in JSON", () => {
    fc.assert(
      fc.property(arbitraryIdentifier, (identifier) => {
        const theirs = azure.serializeCommunicationIdentifier(identifier);
        expect(ours.serializeCommunicationIdentifier(identifier)).toEqual(theirs);
        expect(JSON.stringify(ours.serializeCommunicationIdentifier(identifier))).toBe(JSON.stringify(theirs));
      }),
      runs,
    );
  });

  it("deserializeCommunicationIdentifier: the same identifier from the same wire form", () => {
    fc.assert(
      fc.property(arbitraryIdentifier, fc.boolean(), (identifier, dropKind) => {
        const serialized = azure.serializeCommunicationIdentifier(identifier);
        const wire = dropKind ? serialized : { ...serialized, kind: ours.getIdentifierKind(identifier).kind };
        expect(ours.deserializeCommunicationIdentifier(wire)).toEqual(azure.deserializeCommunicationIdentifier(wire));
      }),
      runs,
    );
  });

  it("the same errors for more than one nested model and for missing properties", () => {
    const broken = [
      { rawId: "x", communicationUser: { id: "x" }, microsoftTeamsApp: { appId: "a", cloud: "public" } },
      { rawId: "x", communicationUser: {} },
      { microsoftTeamsUser: { userId: "u", isAnonymous: false, cloud: "public" } },
      { rawId: "8:orgid:u", microsoftTeamsUser: { userId: "u", cloud: "public" } },
      {},
    ];
    for (const serialized of broken) {
      const theirs = (() => {
        try {
          azure.deserializeCommunicationIdentifier(serialized as never);
          return "no error";
        } catch (error) {
          return (error as Error).message;
        }
      })();
      expect(() => ours.deserializeCommunicationIdentifier(serialized as never)).toThrow(theirs);
    }
  });
});
