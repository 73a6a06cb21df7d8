import { from, distinctUntilChanged, toArray, firstValueFrom } from "rxjs";
import {
  createIdentifierFromRawId,
  identifierKey,
  isSameIdentifier,
  type CommunicationIdentifier,
} from "../../lib/index.js";

describe("identifier equality (by raw id, as .NET's Equals)", () => {
  it("the same participant in different shapes is the same", () => {
    expect(isSameIdentifier({ phoneNumber: "+14255550123" }, createIdentifierFromRawId("4:+14255550123"))).toBe(true);
    expect(isSameIdentifier({ microsoftTeamsUserId: "u" }, { microsoftTeamsUserId: "u", cloud: "public" })).toBe(true);
  });

  it("a raw id overrides the fields, as in .NET: PhoneNumberIdentifier('+override', '4:14255550123') equals '14255550123'", () => {
    expect(isSameIdentifier({ phoneNumber: "+override", rawId: "4:14255550123" }, { phoneNumber: "14255550123" })).toBe(
      true,
    );
  });

  // Pairs that share an id, a number or most fields but whose raw ids differ: different participants.
  const extensionUser = { userId: "u", tenantId: "t", resourceId: "r" };
  it.each<[string, CommunicationIdentifier, CommunicationIdentifier]>([
    ["two ACS users", { communicationUserId: "8:acs:u" }, { communicationUserId: "8:acs:v" }],
    ["ACS users whose ids differ only in case", { communicationUserId: "8:acs:u" }, { communicationUserId: "8:acs:U" }],
    ["an ACS user and an unknown identifier", { communicationUserId: "8:acs:u" }, { id: "8:acs:v" }],
    ["two phone numbers", { phoneNumber: "+14255550123" }, { phoneNumber: "+14255550124" }],
    ["a phone number and the anonymous caller", { phoneNumber: "+14255550123" }, { phoneNumber: "anonymous" }],
    ["one number under two raw ids", { phoneNumber: "+1", rawId: "4:+1_a" }, { phoneNumber: "+1", rawId: "4:+1_b" }],
    ["a raw id that overrides the number", { phoneNumber: "+1", rawId: "4:+2" }, { phoneNumber: "+1" }],
    ["a phone number and an ACS user of that id", { phoneNumber: "+1" }, { communicationUserId: "+1" }],
    ["a Teams user and a Teams app of one id", { microsoftTeamsUserId: "u" }, { teamsAppId: "u" }],
    [
      "a Teams user and a Teams visitor of one id",
      { microsoftTeamsUserId: "u" },
      { microsoftTeamsUserId: "u", isAnonymous: true },
    ],
    [
      "a Teams user in the public and the DoD cloud",
      { microsoftTeamsUserId: "u" },
      { microsoftTeamsUserId: "u", cloud: "dod" },
    ],
    [
      "a Teams user in the DoD and the GCCH cloud",
      { microsoftTeamsUserId: "u", cloud: "dod" },
      { microsoftTeamsUserId: "u", cloud: "gcch" },
    ],
    ["a Teams app in two clouds", { teamsAppId: "a", cloud: "public" }, { teamsAppId: "a", cloud: "gcch" }],
    ["an extension user in two clouds", extensionUser, { ...extensionUser, cloud: "dod" }],
    ["extension users of two tenants", extensionUser, { ...extensionUser, tenantId: "t2" }],
    ["extension users of two resources", extensionUser, { ...extensionUser, resourceId: "r2" }],
    ["an extension user and the ACS user of its id", extensionUser, { communicationUserId: "u" }],
  ])("different participants differ: %s", (_, a, b) => {
    expect(isSameIdentifier(a, b)).toBe(false);
    expect(isSameIdentifier(b, a)).toBe(false);
    expect(identifierKey(a)).not.toBe(identifierKey(b));
  });

  it("identifierKey makes identifiers usable as Map keys", () => {
    const names = new Map<string, string>();
    names.set(identifierKey({ phoneNumber: "+14255550123" }), "Front desk");
    expect(names.get(identifierKey(createIdentifierFromRawId("4:+14255550123")))).toBe("Front desk");
  });

  it("isSameIdentifier is a distinctUntilChanged comparator", async () => {
    const speakers: CommunicationIdentifier[] = [
      { communicationUserId: "8:acs:a" },
      { id: "8:acs:a" },
      { phoneNumber: "+1" },
      { phoneNumber: "+1", rawId: "4:+1" },
      { communicationUserId: "8:acs:a" },
    ];
    const distinct = await firstValueFrom(from(speakers).pipe(distinctUntilChanged(isSameIdentifier), toArray()));
    expect(distinct.map(identifierKey)).toEqual(["8:acs:a", "4:+1", "8:acs:a"]);
  });
});
