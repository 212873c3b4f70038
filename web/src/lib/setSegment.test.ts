import { describe, expect, it } from "vitest";
import { NULL_SET_SEGMENT, noSetObjects, segmentForSet, setFromSegment, setLabel } from "./setSegment";

describe("set path segments", () => {
  it("reserve ~none for the records in no set", () => {
    expect(segmentForSet("")).toBe(NULL_SET_SEGMENT);
    expect(setFromSegment("~none")).toBe("");
    expect(setLabel("")).toBe("(no set)");
    expect(setLabel("users")).toBe("users");
  });

  it("keep a set named like the marker addressable", () => {
    expect(segmentForSet("~none")).toBe("~~none");
    expect(setFromSegment("~~none")).toBe("~none");
    expect(segmentForSet("~~none")).toBe("~~~none");
    expect(setFromSegment("~~~none")).toBe("~~none");
  });

  it("round-trip every name", () => {
    for (const s of ["", "users", "none", "~", "~x", "~none", "~~none", "a~none", "~none~", "~None"]) {
      expect(setFromSegment(segmentForSet(s))).toBe(s);
      expect(segmentForSet(s) === NULL_SET_SEGMENT).toBe(s === "");
    }
  });
});

describe("noSetObjects", () => {
  it("is the namespace objects not in any set, never negative", () => {
    expect(noSetObjects(10, [{ objects: 3 }, { objects: 4 }])).toBe(3);
    expect(noSetObjects(5, [{ objects: 7 }])).toBe(0);
    expect(noSetObjects(5, [])).toBe(5);
    expect(noSetObjects(undefined, [])).toBeNull();
    expect(noSetObjects(5, undefined)).toBeNull();
  });
});
