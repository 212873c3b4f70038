/**
 * Sets in URLs. The API (docs/manager-api.md) reserves the set path segment `~none` for the
 * records of a namespace that belong to no set; a set literally named `~none` (or `~~none`, ...)
 * is written with one more leading `~`. These functions mirror crates/acm/src/http/address.rs.
 */

/** The set segment that stands for the records in no set. */
export const NULL_SET_SEGMENT = "~none";

const isMarker = (s: string) => s.startsWith("~") && /^~+none$/.test(s);

/** Path segment of a set name ("" = no set). */
export function segmentForSet(set: string): string {
  if (set === "") return NULL_SET_SEGMENT;
  return isMarker(set) ? `~${set}` : set;
}

/** Set name of a path segment ("" = no set). */
export function setFromSegment(segment: string): string {
  if (segment === NULL_SET_SEGMENT) return "";
  return isMarker(segment) && segment.startsWith("~~") ? segment.slice(1) : segment;
}

/** How a set is shown to people. */
export function setLabel(set: string): string {
  return set === "" ? "(no set)" : set;
}

/**
 * Records of a namespace in no set, estimated from server statistics: the namespace's unique
 * objects minus those of its sets, never negative (statistics of different nodes are read at
 * slightly different times).
 */
export function noSetObjects(namespaceObjects: number | undefined, sets: Array<{ objects: number }> | undefined): number | null {
  if (namespaceObjects === undefined || sets === undefined) return null;
  const inSets = sets.reduce((n, s) => n + s.objects, 0);
  return Math.max(0, namespaceObjects - inSets);
}
