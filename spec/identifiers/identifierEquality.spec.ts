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

  it("different participants differ, across kinds and clouds", () => {
    expect(isSameIdentifier({ microsoftTeamsUserId: "u" }, { microsoftTeamsUserId: "u", cloud: "dod" })).toBe(false);
    expect(isSameIdentifier({ communicationUserId: "8:acs:u" }, { id: "8:acs:v" })).toBe(false);
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
