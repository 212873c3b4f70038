import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, within } from "@testing-library/react";
import { createMemoryRouter, RouterProvider } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AppShell } from "../../app/AppShell";

afterEach(() => vi.unstubAllGlobals());

function shell(k8sOn: boolean): QueryClient {
  vi.stubGlobal(
    "fetch",
    vi.fn(async (req: Request) => {
      const path = new URL(req.url).pathname;
      const body = path === "/api/v1/settings" ? { k8sManagementEnabled: k8sOn, demo: false } : [];
      return new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" } });
    }),
  );
  const router = createMemoryRouter([{ path: "/", element: <AppShell />, children: [{ path: "connections", element: <p>page</p> }] }], {
    initialEntries: ["/connections"],
  });
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={qc}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return qc;
}

describe("Kubernetes navigation entry", () => {
  it("is shown when the server has Kubernetes management on", async () => {
    shell(true);
    const nav = screen.getByRole("navigation", { name: "Main" });
    expect((await within(nav).findByRole("link", { name: "Kubernetes" })).getAttribute("href")).toBe("/k8s");
  });

  it("is hidden when it is off", async () => {
    const qc = shell(false);
    const nav = screen.getByRole("navigation", { name: "Main" });
    // The settings answer has arrived (and rendered: the Settings link is there either way).
    await vi.waitFor(() => expect(qc.getQueryState(["settings"])?.status).toBe("success"));
    await within(nav).findByRole("link", { name: "Settings" });
    expect(within(nav).queryByRole("link", { name: "Kubernetes" })).toBeNull();
  });
});
