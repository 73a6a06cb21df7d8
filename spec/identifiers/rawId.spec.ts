import { createIdentifierFromRawId, getIdentifierRawId, InvalidIdentifierError } from "../../lib/index.js";

const resource = "bbbcbc1e-9f06-482a-b5d8-20e3f26ef0cd";
const tenant = "45ab2481-1c1c-4005-be24-0ffb879b1130";
const user = "207ffef6-9444-41fb-92ab-20eacaae2768";
const app = "01234567-89ab-cdef-0123-456789abcdef";

describe("raw ids (the rules and vectors of the Azure SDKs' identifier tests)", () => {
  describe("createIdentifierFromRawId", () => {
    it.each([
      [
        `8:acs:${resource}_${tenant}`,
        { kind: "communicationUser", communicationUserId: `8:acs:${resource}_${tenant}` },
      ],
      ["8:acs:something", { kind: "communicationUser", communicationUserId: "8:acs:something" }],
      ["8:spool:something", { kind: "communicationUser", communicationUserId: "8:spool:something" }],
      [
        `8:acs:${resource}_${tenant}_${user}`,
        { kind: "teamsExtensionUser", resourceId: resource, tenantId: tenant, userId: user, cloud: "public" },
      ],
      [
        `8:dod-acs:${resource}_${tenant}_${user}`,
        { kind: "teamsExtensionUser", resourceId: resource, tenantId: tenant, userId: user, cloud: "dod" },
      ],
      [
        `8:gcch-acs:${resource}_${tenant}_${user}`,
        { kind: "teamsExtensionUser", resourceId: resource, tenantId: tenant, userId: user, cloud: "gcch" },
      ],
      [
        `8:gcch-acs:${resource}_${tenant}`,
        { kind: "communicationUser", communicationUserId: `8:gcch-acs:${resource}_${tenant}` },
      ],
      [
        "4:112345556789",
        { kind: "phoneNumber", phoneNumber: "112345556789", isAnonymous: false, assertedId: undefined },
      ],
      [
        `4:+112345556789_${user}`,
        { kind: "phoneNumber", phoneNumber: `+112345556789_${user}`, isAnonymous: false, assertedId: user },
      ],
      [
        `4:+112345556789_${user}_123`,
        { kind: "phoneNumber", phoneNumber: `+112345556789_${user}_123`, isAnonymous: false, assertedId: "123" },
      ],
      ["4:anonymous", { kind: "phoneNumber", phoneNumber: "anonymous", isAnonymous: true, assertedId: undefined }],
      ["4:_anonymous", { kind: "phoneNumber", phoneNumber: "_anonymous", isAnonymous: false, assertedId: "anonymous" }],
      ["4:anonymous_123", { kind: "phoneNumber", phoneNumber: "anonymous_123", isAnonymous: false, assertedId: "123" }],
      ["4:_123", { kind: "phoneNumber", phoneNumber: "_123", isAnonymous: false, assertedId: "123" }],
      ["4:+1425_", { kind: "phoneNumber", phoneNumber: "+1425_", isAnonymous: false, assertedId: undefined }],
      [`8:teamsvisitor:${user}`, { kind: "microsoftTeamsUser", microsoftTeamsUserId: user, isAnonymous: true }],
      [
        `8:orgid:${user}`,
        { kind: "microsoftTeamsUser", microsoftTeamsUserId: user, isAnonymous: false, cloud: "public" },
      ],
      [`8:dod:${user}`, { kind: "microsoftTeamsUser", microsoftTeamsUserId: user, isAnonymous: false, cloud: "dod" }],
      [`8:gcch:${user}`, { kind: "microsoftTeamsUser", microsoftTeamsUserId: user, isAnonymous: false, cloud: "gcch" }],
      [`28:orgid:${app}`, { kind: "microsoftTeamsApp", teamsAppId: app, cloud: "public" }],
      [`28:dod:${app}`, { kind: "microsoftTeamsApp", teamsAppId: app, cloud: "dod" }],
      [`28:gcch:${app}`, { kind: "microsoftTeamsApp", teamsAppId: app, cloud: "gcch" }],
      [`28:${tenant}`, { kind: "unknown", id: `28:${tenant}` }],
      [`28:gcch-global:${app}`, { kind: "unknown", id: `28:gcch-global:${app}` }],
      [`28:ag08-global:${app}`, { kind: "unknown", id: `28:ag08-global:${app}` }],
      [`48:${app}`, { kind: "unknown", id: `48:${app}` }],
      [`8:gcch-acs:segment4:${user}`, { kind: "unknown", id: `8:gcch-acs:segment4:${user}` }],
      ["", { kind: "unknown", id: "" }],
    ])("%s → the identifier, and back to the same raw id", (rawId, expected) => {
      const identifier = createIdentifierFromRawId(rawId);
      expect(identifier).toEqual(expected);
      expect(getIdentifierRawId(identifier)).toBe(rawId);
    });

    // The Azure SDK throws a TypeError from inside (`rawId.startsWith` of undefined); ours names the problem.
    it.each([undefined, null, 42, {}])("throws InvalidIdentifierError for %p", (rawId) => {
      expect(() => createIdentifierFromRawId(rawId as unknown as string)).toThrow(InvalidIdentifierError);
      expect(() => createIdentifierFromRawId(rawId as unknown as string)).toThrow(/^A raw id must be a string; got/);
    });
  });

  describe("getIdentifierRawId", () => {
    it.each([
      [{ communicationUserId: "8:acs:x" }, "8:acs:x"],
      [{ phoneNumber: "+112345556789" }, "4:+112345556789"],
      [{ phoneNumber: "+112345556789", rawId: "4:112345556789" }, "4:112345556789"],
      [{ microsoftTeamsUserId: user }, `8:orgid:${user}`],
      [{ microsoftTeamsUserId: user, cloud: "public" }, `8:orgid:${user}`],
      [{ microsoftTeamsUserId: user, cloud: "dod" }, `8:dod:${user}`],
      [{ microsoftTeamsUserId: user, cloud: "gcch" }, `8:gcch:${user}`],
      [{ microsoftTeamsUserId: user, isAnonymous: true, cloud: "dod" }, `8:teamsvisitor:${user}`],
      [{ microsoftTeamsUserId: user, rawId: "8:orgid:legacyFormat" }, "8:orgid:legacyFormat"],
      [{ teamsAppId: app }, `28:orgid:${app}`],
      [{ teamsAppId: app, cloud: "dod" }, `28:dod:${app}`],
      [{ teamsAppId: app, cloud: "gcch" }, `28:gcch:${app}`],
      [{ userId: user, tenantId: tenant, resourceId: resource }, `8:acs:${resource}_${tenant}_${user}`],
      [
        { userId: user, tenantId: tenant, resourceId: resource, cloud: "dod" },
        `8:dod-acs:${resource}_${tenant}_${user}`,
      ],
      [
        { userId: user, tenantId: tenant, resourceId: resource, cloud: "gcch" },
        `8:gcch-acs:${resource}_${tenant}_${user}`,
      ],
      [{ id: "48:whatever" }, "48:whatever"],
    ] as const)("%p → %s", (identifier, rawId) => {
      expect(getIdentifierRawId(identifier)).toBe(rawId);
    });

    // The Azure SDK returns undefined for { foo: "nonsense" }; a raw id of undefined then travels on as a
    // Map key or a request field. Ours throws at the cause.
    it("throws InvalidIdentifierError for an object that is no identifier (the Azure SDK returns undefined)", () => {
      expect(() => getIdentifierRawId({ foo: "nonsense" } as never)).toThrow(InvalidIdentifierError);
    });
  });
});
