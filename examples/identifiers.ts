/**
 * Communication identifiers: raw ids, kinds, equality and the wire format.
 * Run: npm run build && npx tsx examples/identifiers.ts
 */
import {
  createIdentifierFromRawId,
  getIdentifierKind,
  identifierKey,
  isSameIdentifier,
  serializeCommunicationIdentifier,
  type CommunicationIdentifier,
} from "rx-communication-common";

const participants: CommunicationIdentifier[] = [
  { communicationUserId: "8:acs:11111111-1111-1111-1111-111111111111_00000000-0000-0000-0000-000000000001" },
  { phoneNumber: "+14255550123" },
  createIdentifierFromRawId("8:teamsvisitor:37691ec4-57fb-4c0f-ae31-32791610cb14"),
];

for (const participant of participants) {
  const tagged = getIdentifierKind(participant);
  console.log(`${tagged.kind.padEnd(18)} ${identifierKey(participant)}`);
}
console.log(isSameIdentifier({ phoneNumber: "+14255550123" }, createIdentifierFromRawId("4:+14255550123")));
console.log(JSON.stringify(serializeCommunicationIdentifier({ phoneNumber: "+14255550123" })));
