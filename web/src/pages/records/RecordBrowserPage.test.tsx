import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { createMemoryRouter, RouterProvider } from "react-router";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import RecordBrowserPage from "./RecordBrowserPage";

beforeAll(() => {
  // jsdom has no layout engine: give the virtualiser a fixed-size viewport.
  Object.defineProperty(HTMLElement.prototype, "clientHeight", { configurable: true, get: () => 600 });
  Object.defineProperty(HTMLElement.prototype, "clientWidth", { configurable: true, get: () => 1000 });
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  } as unknown as typeof ResizeObserver;
});
afterEach(() => vi.unstubAllGlobals());

/** A fake set of 110 records served page by page with opaque cursors. */
function fakeServer() {
  const calls: string[] = [];
  const all = Array.from({ length: 110 }, (_, i) => ({
    key: { namespace: "test", set: "users", userKey: `user-${i}`, digest: `d${i}` },
    generation: 1,
    ttl: -1,
    bins: { n: i, name: `N${i}` },
  }));
  vi.stubGlobal(
    "fetch",
    vi.fn(async (req: Request) => {
      const u = new URL(req.url);
      calls.push(u.pathname + u.search);
      const start = Number(u.searchParams.get("cursor")?.replace("c", "") ?? 0);
      const size = Number(u.searchParams.get("pageSize"));
      const records = all.slice(start, start + size);
      const next = start + size < all.length ? `c${start + size}` : null;
      return new Response(JSON.stringify({ records, nextCursor: next, pageSize: size }), { status: 200 });
    }),
  );
  return calls;
}

function renderPage(path = "/clusters/7/browse/test/users") {
  const router = createMemoryRouter([{ path: "/clusters/:connId/browse/:ns/:set", element: <RecordBrowserPage /> }], {
    initialEntries: [path],
  });
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={qc}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
}

const label = () => screen.getByTestId("page-label").textContent ?? "";

const keysOnScreen = () => screen.getAllByTestId("data-row").map((r) => r.querySelectorAll("td")[1]!.textContent);

describe("record browser paging", () => {
  it("walks 3 pages forward by cursor and back to the same first page", async () => {
    const calls = fakeServer();
    renderPage();
    await waitFor(() => expect(label()).toContain("Page 1 · 100 records"));
    expect(calls[0]).toBe("/api/v1/clusters/7/namespaces/test/sets/users/records?pageSize=100");

    fireEvent.change(screen.getByLabelText("Page size"), { target: { value: "25" } });
    await waitFor(() => expect(label()).toContain("Page 1 · 25 records"));
    const first = keysOnScreen();
    expect(first[0]).toBe("user-0");

    for (const [page, cursor] of [[2, "c25"], [3, "c50"], [4, "c75"]] as const) {
      fireEvent.click(screen.getByTestId("next-page"));
      await waitFor(() => expect(label()).toContain(`Page ${page} · 25 records`));
      expect(calls.at(-1)).toContain(`cursor=${cursor}`);
      expect(keysOnScreen()[0]).toBe(`user-${cursor.slice(1)}`);
    }
    for (const page of [3, 2, 1]) {
      fireEvent.click(screen.getByTestId("prev-page"));
      await waitFor(() => expect(label()).toContain(`Page ${page} ·`));
    }
    expect(keysOnScreen()).toEqual(first);
    // Going back re-uses the cursors that produced those pages (the first page has none).
    await waitFor(() => expect(calls.at(-1)).toBe("/api/v1/clusters/7/namespaces/test/sets/users/records?pageSize=25"));
    expect(screen.getByTestId("prev-page").hasAttribute("disabled")).toBe(true);
  });

  it("disables Next on the last page", async () => {
    fakeServer();
    renderPage();
    await waitFor(() => expect(label()).toContain("Page 1 · 100 records"));
    fireEvent.click(screen.getByTestId("next-page"));
    await waitFor(() => expect(label()).toContain("Page 2 · 10 records"));
    expect(screen.getByTestId("next-page").hasAttribute("disabled")).toBe(true);
  });
});

describe("records in no set, without stored keys", () => {
  it("browses the ~none segment and deletes a keyless record by digest", async () => {
    const calls: string[] = [];
    const digest = "0f".repeat(20);
    vi.stubGlobal(
      "fetch",
      vi.fn(async (req: Request) => {
        const u = new URL(req.url);
        calls.push(`${req.method} ${u.pathname}${u.search}`);
        if (req.method === "DELETE") return new Response(null, { status: 204 });
        const records = [{ key: { namespace: "test", set: "", userKey: null, digest }, generation: 1, ttl: -1, bins: { n: 1 } }];
        return new Response(JSON.stringify({ records, nextCursor: null, pageSize: 100 }), { status: 200 });
      }),
    );
    renderPage("/clusters/7/browse/test/~none");
    await waitFor(() => expect(label()).toContain("Page 1 · 1 record"));
    expect(calls[0]).toBe("GET /api/v1/clusters/7/namespaces/test/sets/~none/records?pageSize=100");
    expect(screen.getByRole("heading", { level: 1 }).textContent).toContain("test / (no set)");
    fireEvent.click(screen.getByLabelText(/^Delete record #0f0f/));
    fireEvent.click(await screen.findByRole("button", { name: "Delete" }));
    await waitFor(() => expect(calls.some((c) => c.startsWith("DELETE"))).toBe(true));
    expect(calls.find((c) => c.startsWith("DELETE"))).toBe(`DELETE /api/v1/clusters/7/namespaces/test/sets/~none/record?digest=${digest}`);
  });
});
