import fc from "fast-check";
import {
  createIdentifierFromRawId,
  deserializeCommunicationIdentifier,
  getIdentifierKind,
  getIdentifierRawId,
  isSameIdentifier,
  serializeCommunicationIdentifier,
} from "../../lib/index.js";
import { arbitraryIdentifier, arbitraryRawId } from "../support/identifierArbitraries.js";

describe("identifier properties (fast-check)", () => {
  it("getIdentifierRawId(createIdentifierFromRawId(r)) === r for any string", () => {
    fc.assert(fc.property(fc.string(), (rawId) => getIdentifierRawId(createIdentifierFromRawId(rawId)) === rawId));
  });

  it("… and for raw ids built from every prefix with tricky suffixes", () => {
    fc.assert(
      fc.property(arbitraryRawId, (rawId) => getIdentifierRawId(createIdentifierFromRawId(rawId)) === rawId),
      { numRuns: 2_000 },
    );
  });

  it("serialize → deserialize keeps the raw id and the kind", () => {
    fc.assert(
      fc.property(arbitraryIdentifier, (identifier) => {
        const back = deserializeCommunicationIdentifier(serializeCommunicationIdentifier(identifier));
        expect(getIdentifierRawId(back)).toBe(getIdentifierRawId(identifier));
        expect(back.kind).toBe(getIdentifierKind(identifier).kind);
        expect(isSameIdentifier(back, identifier)).toBe(true);
      }),
      { numRuns: 1_000 },
    );
  });

  it("the wire form survives JSON", () => {
    fc.assert(
      fc.property(arbitraryIdentifier, (identifier) => {
        const serialized = serializeCommunicationIdentifier(identifier);
        expect(deserializeCommunicationIdentifier(JSON.parse(JSON.stringify(serialized)))).toEqual(
          deserializeCommunicationIdentifier(serialized),
        );
      }),
    );
  });
});
