import fc from "fast-check";
import type { CommunicationIdentifier } from "../../lib/index.js";

/** Raw-id prefixes of every kind and cloud, and some the parsers must treat as unknown. */
const prefixes = [
  "4:",
  "8:acs:",
  "8:dod-acs:",
  "8:gcch-acs:",
  "8:spool:",
  "8:teamsvisitor:",
  "8:orgid:",
  "8:dod:",
  "8:gcch:",
  "28:orgid:",
  "28:dod:",
  "28:gcch:",
  "28:gcch-global:",
  "48:",
  "8:",
  "",
];

/** Text made of the characters raw ids are parsed by (":" and "_"), ids, "+", and "anonymous". */
const rawIdText = fc.string({
  unit: fc.constantFrom(":", "_", "_", "a", "b", "1", "+", "-", "anonymous", "acs", "orgid", "é", "😀"),
  maxLength: 12,
});

/** Raw ids: mostly well-formed prefixes with tricky suffixes, sometimes any string at all. */
export const arbitraryRawId = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...prefixes), rawIdText).map(([prefix, rest]) => prefix + rest) },
  { weight: 1, arbitrary: fc.string() },
);

const id = fc.string({ unit: fc.constantFrom("a", "b", "0", "-", "_", ":", "+"), maxLength: 10 });
const cloud = fc.constantFrom("public" as const, "dod" as const, "gcch" as const);

/** Identifiers of every kind, each optional field present or absent. */
export const arbitraryIdentifier: fc.Arbitrary<CommunicationIdentifier> = fc.oneof(
  fc.record({ communicationUserId: id }),
  fc.record(
    { phoneNumber: id, rawId: arbitraryRawId, isAnonymous: fc.boolean(), assertedId: id },
    { requiredKeys: ["phoneNumber"] },
  ),
  fc.record(
    { microsoftTeamsUserId: id, rawId: arbitraryRawId, isAnonymous: fc.boolean(), cloud },
    { requiredKeys: ["microsoftTeamsUserId"] },
  ),
  fc.record({ teamsAppId: id, rawId: arbitraryRawId, cloud }, { requiredKeys: ["teamsAppId"] }),
  fc.record(
    { userId: id, tenantId: id, resourceId: id, rawId: arbitraryRawId, cloud },
    { requiredKeys: ["userId", "tenantId", "resourceId"] },
  ),
  fc.record({ id: arbitraryRawId }),
);
