import type { CommunicationIdentifier } from "./identifierModels.js";
import { getIdentifierRawId } from "./rawId.js";

/**
 * A string that is equal for two identifiers exactly when they denote the same participant: the raw
 * id, as .NET's `CommunicationIdentifier.Equals` compares. Use it as a `Map` key or an Angular
 * `track` expression.
 *
 * @example
 * ```ts
 * const byParticipant = new Map<string, Participant>();
 * byParticipant.set(identifierKey(participant.identifier), participant);
 * // @for (p of participants; track identifierKey(p.identifier)) { … }
 * ```
 */
export function identifierKey(identifier: CommunicationIdentifier): string {
  return getIdentifierRawId(identifier);
}

/**
 * True when both identifiers denote the same participant, whatever their shape: `{ phoneNumber:
 * "+14255550123" }` and `createIdentifierFromRawId("4:+14255550123")` are the same. Fits
 * `distinctUntilChanged` as it is.
 *
 * @example
 * ```ts
 * activeSpeaker$.pipe(distinctUntilChanged(isSameIdentifier)).subscribe(highlight);
 * ```
 */
export function isSameIdentifier(a: CommunicationIdentifier, b: CommunicationIdentifier): boolean {
  return identifierKey(a) === identifierKey(b);
}
