import { describe, expect, it } from "vitest";
import { formatPrivilege, parsePrivileges } from "./privileges";

describe("role privileges", () => {
  it("parses global, namespace and set scopes and formats them back", () => {
    const r = parsePrivileges("read-write test users\nread bar\n\nsys-admin");
    expect(r).toEqual({
      ok: true,
      privileges: [{ code: "read-write", namespace: "test", set: "users" }, { code: "read", namespace: "bar" }, { code: "sys-admin" }],
    });
    if (r.ok) expect(r.privileges.map(formatPrivilege)).toEqual(["read-write test users", "read bar", "sys-admin"]);
  });
  it("explains what is wrong", () => {
    expect(parsePrivileges("admin")).toMatchObject({ ok: false, error: expect.stringContaining('"admin" is not a privilege') });
    expect(parsePrivileges("sys-admin test")).toMatchObject({ ok: false, error: expect.stringContaining("whole cluster") });
    expect(parsePrivileges("read a b c")).toMatchObject({ ok: false, error: expect.stringContaining("code namespace set") });
    expect(parsePrivileges("  ")).toMatchObject({ ok: false, error: expect.stringContaining("at least one") });
  });
});
