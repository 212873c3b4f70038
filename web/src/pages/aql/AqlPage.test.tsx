import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { createMemoryRouter, RouterProvider } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import AqlPage from "./AqlPage";

afterEach(() => {
  vi.unstubAllGlobals();
  localStorage.clear();
});

const ndjson = (events: unknown[]) =>
  new Response(events.map((e) => JSON.stringify(e)).join("\n") + "\n", { status: 200, headers: { "Content-Type": "application/x-ndjson" } });

const span = { start: 0, end: 5, startUtf16: 0, endUtf16: 5 };

/** Answers the completion-names script with nothing and every other script with `answer`. */
function serve(answer: (body: { script: string; confirm?: boolean }, signal: AbortSignal) => Promise<Response> | Response) {
  const bodies: { script: string; confirm?: boolean; readOnly?: boolean }[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (_url: string, init: RequestInit) => {
      const body = JSON.parse(String(init.body));
      if (body.script.startsWith("SHOW NAMESPACES; SHOW SETS; SHOW BINS")) return ndjson([{ type: "done", statements: 4, succeeded: 4, elapsedMs: 1, settings: {} }]);
      bodies.push(body);
      return answer(body, init.signal!);
    }),
  );
  return bodies;
}

function renderPage() {
  const router = createMemoryRouter([{ path: "/clusters/:connId/aql", element: <AqlPage /> }], { initialEntries: ["/clusters/3/aql"] });
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={qc}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
}

describe("AQL terminal page", () => {
  it("runs the script and shows rows as a table, then as JSON", async () => {
    const bodies = serve(() =>
      ndjson([
        { type: "start", index: 0, kind: "SELECT", statement: "SELECT * FROM test.s", span },
        { type: "rows", index: 0, rows: [{ key: { userKey: "k1", digest: "d" }, generation: 1, ttl: -1, bins: { age: 31 } }] },
        { type: "end", index: 0, rowCount: 1, truncated: false, elapsedMs: 2.25, message: "1 record" },
        { type: "done", statements: 1, succeeded: 1, elapsedMs: 3, settings: { output: "table", recordPrintMetadata: false, keySend: true } },
      ]),
    );
    renderPage();
    fireEvent.click(await screen.findByTestId("aql-run"));
    const table = await screen.findByTestId("aql-table");
    expect(Array.from(table.querySelectorAll("th")).map((t) => t.textContent)).toEqual(["PK", "age"]);
    expect(Array.from(table.querySelectorAll("td")).map((t) => t.textContent)).toEqual(["k1", "31"]);
    expect(screen.getByTestId("aql-summary").textContent).toContain("1 record · 2.3 ms");
    expect(screen.getByTestId("aql-done").textContent).toContain("1 of 1");
    expect(bodies[0]).toMatchObject({ readOnly: false, confirm: false });
    fireEvent.click(screen.getByRole("radio", { name: "JSON" }));
    expect(screen.getByTestId("aql-json").textContent).toContain('"age": 31');
    // The script went to the local history.
    expect(JSON.parse(localStorage.getItem("acm.aql.history")!)).toHaveLength(1);
  });

  it("lists a refused script's problems with their line and column", async () => {
    serve(
      () =>
        new Response(
          JSON.stringify({
            title: "Bad Request",
            status: 400,
            code: "aql_syntax_error",
            detail: "syntax error: unexpected `SELEC`",
            spans: [{ span: { start: 17, end: 21, startUtf16: 17, endUtf16: 21 }, message: "unexpected `SELEC`", expected: ["`SELECT`"] }],
          }),
          { status: 400, headers: { "Content-Type": "application/problem+json" } },
        ),
    );
    renderPage();
    fireEvent.click(await screen.findByTestId("aql-run"));
    const alert = await screen.findByTestId("aql-refusal");
    expect(alert.textContent).toContain("syntax error: unexpected `SELEC`");
    expect(alert.textContent).toContain("2:1 unexpected `SELEC` (expected `SELECT`)");
  });

  it("offers to run again with confirmation when TRUNCATE or DROP needs it", async () => {
    const bodies = serve((body) =>
      body.confirm
        ? ndjson([{ type: "done", statements: 2, succeeded: 2, elapsedMs: 1, settings: { output: "table", recordPrintMetadata: false, keySend: true } }])
        : new Response(
            JSON.stringify({ title: "Bad Request", status: 400, code: "confirmation_required", detail: "send confirm", spans: [{ span, message: "TRUNCATE cannot be undone", expected: [] }] }),
            { status: 400 },
          ),
    );
    renderPage();
    fireEvent.click(await screen.findByTestId("aql-run"));
    fireEvent.click(await screen.findByTestId("aql-confirm-run"));
    await screen.findByTestId("aql-done");
    expect(bodies.map((b) => b.confirm)).toEqual([false, true]);
    // The confirmation was for that run only.
    expect((screen.getByTestId("aql-confirm") as HTMLInputElement).checked).toBe(false);
  });

  it("cancels a running script", async () => {
    serve(
      (_b, signal) =>
        new Promise<Response>((_resolve, reject) => {
          signal.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")));
        }),
    );
    renderPage();
    fireEvent.click(await screen.findByTestId("aql-run"));
    fireEvent.click(await screen.findByTestId("aql-cancel"));
    await waitFor(() => expect(screen.getByRole("alert").textContent).toContain("Cancelled"));
    expect(screen.getByTestId("aql-run")).toBeTruthy();
  });
});
