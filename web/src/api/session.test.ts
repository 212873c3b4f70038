import { afterEach, describe, expect, it, vi } from "vitest";
import { roleAtLeast } from "./auth";
import { noteStatus, sessionHeaders, setCsrfToken, UNAUTHENTICATED_EVENT } from "./session";

describe("session", () => {
  afterEach(() => setCsrfToken(null));

  it("adds the CSRF header to writes only, once a token is known", () => {
    expect(sessionHeaders("POST")).toEqual({});
    setCsrfToken("tok");
    for (const m of ["POST", "put", "DELETE", "PATCH"]) expect(sessionHeaders(m)).toEqual({ "X-CSRF-Token": "tok" });
    for (const m of ["GET", "HEAD", "OPTIONS"]) expect(sessionHeaders(m)).toEqual({});
  });

  it("announces a lost session on 401, except for a refused sign-in", () => {
    const seen = vi.fn();
    window.addEventListener(UNAUTHENTICATED_EVENT, seen);
    noteStatus(403, "/api/v1/profiles");
    noteStatus(401, "http://x/api/v1/auth/login");
    expect(seen).not.toHaveBeenCalled();
    noteStatus(401, "http://x/api/v1/profiles");
    expect(seen).toHaveBeenCalledTimes(1);
    window.removeEventListener(UNAUTHENTICATED_EVENT, seen);
  });

  it("orders roles", () => {
    expect(roleAtLeast("admin", "operator")).toBe(true);
    expect(roleAtLeast("viewer", "operator")).toBe(false);
    expect(roleAtLeast("operator", "operator")).toBe(true);
    expect(roleAtLeast(undefined, "viewer")).toBe(false);
  });
});
