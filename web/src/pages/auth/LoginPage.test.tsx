import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { authKeys } from "../../api/auth";
import { LoginPage } from "./LoginPage";

function withConfig(oidcEnabled: boolean) {
  const fetchMock = vi.fn(async (input: RequestInfo | URL) => {
    const url = input instanceof Request ? input.url : String(input);
    expect(url).toContain("/api/v1/auth/config");
    return new Response(JSON.stringify({ authEnabled: true, oidcEnabled, tls: false }), {
      status: 200,
      headers: { "content-type": "application/json" },
    });
  });
  vi.stubGlobal("fetch", fetchMock);
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={qc}>
      <LoginPage onSignedIn={() => {}} />
    </QueryClientProvider>,
  );
  return fetchMock;
}

describe("LoginPage", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    document.body.innerHTML = "";
  });

  it("offers single sign-on when the manager has it configured", async () => {
    const fetchMock = withConfig(true);
    const sso = await screen.findByRole("link", { name: "Sign in with SSO" });
    expect(sso.getAttribute("href")).toBe("/api/v1/auth/oidc/login");
    expect(fetchMock).toHaveBeenCalled();
  });

  it("shows only the password form without single sign-on", () => {
    // The configuration is already known at the first render, so the absence is not a race.
    vi.stubGlobal("fetch", vi.fn());
    const qc = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } });
    qc.setQueryData(authKeys.config, { authEnabled: true, oidcEnabled: false, tls: false });
    render(
      <QueryClientProvider client={qc}>
        <LoginPage onSignedIn={() => {}} />
      </QueryClientProvider>,
    );
    expect(screen.getByRole("button", { name: "Sign in" })).toBeTruthy();
    expect(screen.queryByRole("link", { name: "Sign in with SSO" })).toBeNull();
  });

  it("explains why single sign-on sent the browser back, once", async () => {
    history.replaceState(null, "", "/?ssoError=role");
    withConfig(true);
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("None of your groups is mapped to a role");
    expect(location.search).toBe("");
  });

  it("says when single sign-on was throttled", async () => {
    history.replaceState(null, "", "/?ssoError=throttled");
    withConfig(true);
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Too many unfinished or failed sign-ins from your address");
  });
});
