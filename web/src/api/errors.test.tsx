import { render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ErrorState, Field } from "../components/ui";
import { ApiError, describeError, fieldMessages, isSecurityNotSupported, parseProblem } from "./errors";
import { endpoints } from "./endpoints";
import { api } from "./http";

const problem = {
  type: "urn:acm:problem:validation_failed",
  title: "Invalid request",
  status: 400,
  detail: "hosts[0]: port must be 1-65535",
  code: "validation_failed",
  errors: [
    { field: "hosts[0]", message: "port must be 1-65535" },
    { field: "name", message: "name is already used by another profile" },
  ],
};

describe("problem parsing", () => {
  it("reads an RFC 9457 problem with field errors and the manager's code", () => {
    const p = parseProblem(400, "Bad Request", JSON.stringify(problem));
    expect(p).toMatchObject({ title: "Invalid request", status: 400, detail: problem.detail, code: "validation_failed" });
    expect(p.fieldErrors).toEqual(problem.errors);
  });

  it("accepts other field-error encodings", () => {
    expect(parseProblem(422, "", JSON.stringify({ invalid_params: [{ name: "port", reason: "too big" }] })).fieldErrors).toEqual([
      { field: "port", message: "too big" },
    ]);
    expect(parseProblem(422, "", JSON.stringify({ errors: { port: ["too big", "not a number"] } })).fieldErrors).toEqual([
      { field: "port", message: "too big" },
      { field: "port", message: "not a number" },
    ]);
  });

  it("never throws on odd bodies and falls back to the status", () => {
    expect(parseProblem(502, "Bad Gateway", "<html>proxy error</html>")).toEqual({ title: "Aerospike unreachable", status: 502, fieldErrors: [] });
    expect(parseProblem(500, "", "plain text failure")).toMatchObject({ title: "Server error", detail: "plain text failure" });
    expect(parseProblem(418, "I'm a teapot", "")).toMatchObject({ title: "I'm a teapot" });
    expect(parseProblem(400, "", "[1,2]").title).toBe("Bad request");
  });

  it("recognises Community Edition's missing security", () => {
    const e = new ApiError(parseProblem(409, "", JSON.stringify({ title: "Conflict", status: 409, code: "security_not_supported", result_code: 51, detail: "no" })));
    expect(isSecurityNotSupported(e)).toBe(true);
    expect(isSecurityNotSupported(new Error("x"))).toBe(false);
  });

  it("maps field errors to form fields", () => {
    const e = new ApiError(parseProblem(400, "", JSON.stringify(problem)));
    expect(fieldMessages(e, "name")).toEqual(["name is already used by another profile"]);
    expect(fieldMessages(e, "hosts[0]")).toEqual(["port must be 1-65535"]);
    expect(fieldMessages(new Error("x"), "name")).toEqual([]);
  });
});

describe("ErrorState", () => {
  it("renders title, status, detail, every field error and a hint", () => {
    render(<ErrorState error={new ApiError(parseProblem(400, "", JSON.stringify(problem)))} />);
    const alert = screen.getByRole("alert");
    expect(alert.textContent).toContain("Invalid request");
    expect(alert.textContent).toContain("HTTP 400");
    expect(alert.textContent).toContain("hosts[0]: port must be 1-65535");
    expect(alert.textContent).toContain("name: name is already used by another profile");
    expect(alert.textContent).toContain("Correct the highlighted input");
  });

  it("explains a network failure and offers a retry", () => {
    const retry = vi.fn();
    render(<ErrorState error={new ApiError({ title: "Cannot reach the manager", status: 0, detail: "Failed to fetch", fieldErrors: [] })} onRetry={retry} />);
    expect(screen.getByRole("alert").textContent).toContain("Check that aerospike-cluster-manager is running");
    screen.getByRole("button", { name: "Retry" }).click();
    expect(retry).toHaveBeenCalledOnce();
  });

  it("shows a server field error under the matching form field", () => {
    const err = new ApiError(parseProblem(400, "", JSON.stringify(problem)));
    render(<Field label="Name" name="name" serverError={err}>{(p) => <input {...p} />}</Field>);
    const input = screen.getByLabelText("Name");
    expect(input.getAttribute("aria-invalid")).toBe("true");
    expect(document.getElementById(input.getAttribute("aria-describedby")!)!.textContent).toBe("name is already used by another profile");
  });

  it("prefers the hint of the manager's problem code", () => {
    const e = new ApiError(parseProblem(502, "", JSON.stringify({ title: "Bad Gateway", status: 502, code: "aerospike_error", detail: "UDF failed" })));
    expect(describeError(e).hint).toBe("The cluster refused the operation: the detail above gives its reason.");
    const u = new ApiError(parseProblem(502, "", JSON.stringify({ title: "Bad Gateway", status: 502, code: "cluster_unreachable", detail: "x" })));
    expect(describeError(u).hint).toMatch(/did not answer/);
  });

  it("describes unknown throwables", () => {
    expect(describeError("boom")).toEqual({ title: "Unexpected error", detail: "boom", fieldErrors: [] });
  });
});

describe("http client", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("typed client: a problem answer becomes an ApiError with the field errors", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => new Response(JSON.stringify(problem), { status: 400, headers: { "content-type": "application/problem+json" } })));
    const err = await endpoints.createProfile({ name: "", hosts: [] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(fieldMessages(err, "name")).toEqual(["name is already used by another profile"]);
  });

  it("typed client: builds the path and query from the OpenAPI parameters", async () => {
    const f = vi.fn(async (_req: Request) => new Response(JSON.stringify({ records: [], pageSize: 5, nextCursor: null }), { status: 200 }));
    vi.stubGlobal("fetch", f);
    await endpoints.scan(3, "test", "a b", "CUR", 5);
    const url = new URL(f.mock.calls[0]![0].url);
    expect(url.pathname).toBe("/api/v1/clusters/3/namespaces/test/sets/a%20b/records");
    expect(url.searchParams.get("cursor")).toBe("CUR");
    expect(url.searchParams.get("pageSize")).toBe("5");
  });

  it("typed client: a network failure becomes status 0", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => { throw new TypeError("Failed to fetch"); }));
    await expect(endpoints.listProfiles()).rejects.toMatchObject({ problem: { status: 0, title: "Cannot reach the manager" } });
  });

  it("turns a problem+json answer into an ApiError", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => new Response(JSON.stringify(problem), { status: 400, headers: { "content-type": "application/problem+json" } })));
    await expect(api.get("/profiles")).rejects.toMatchObject({ name: "ApiError", problem: { code: "validation_failed", status: 400 } });
  });

  it("turns a network failure into status 0", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => { throw new TypeError("Failed to fetch"); }));
    await expect(api.get("/profiles")).rejects.toMatchObject({ problem: { status: 0, title: "Cannot reach the manager" } });
  });

  it("sends JSON and prefixes the API base", async () => {
    const f = vi.fn(async (_url: string, _init: RequestInit) => new Response(JSON.stringify({ id: 1 }), { status: 201 }));
    vi.stubGlobal("fetch", f);
    await expect(api.post("/profiles", { name: "a" })).resolves.toEqual({ id: 1 });
    expect(f.mock.calls[0]![0]).toBe("/api/v1/profiles");
    expect(f.mock.calls[0]![1].body).toBe('{"name":"a"}');
  });
});
