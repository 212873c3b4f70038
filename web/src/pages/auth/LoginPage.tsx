/** The sign-in page, shown instead of the app when the manager requires sign-in. */
import { useMutation, useQuery } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { authApi, authKeys, OIDC_LOGIN_URL, type SessionInfo } from "../../api/auth";
import { ApiError } from "../../api/errors";
import { usePageTitle } from "../../app/pageTitle";

/** Why single sign-on sent the browser back (`/?ssoError=<reason>`; details are in the audit log). */
const SSO_ERRORS: Record<string, string> = {
  state: "Single sign-on expired or was started in another tab or browser. Try again.",
  token: "The identity provider's answer failed verification. An admin can see why in the audit log.",
  role: "None of your groups is mapped to a role on this manager. Ask an admin to add one to --oidc-role-map.",
  user: "This user name belongs to a local user of the manager; sign in with its password.",
  provider: "The identity provider did not sign you in or could not be reached. Try again.",
  throttled: "Too many unfinished or failed sign-ins from your address. Wait up to 15 minutes, then try again.",
};

function takeSsoError(): string | null {
  if (typeof location === "undefined") return null;
  const params = new URLSearchParams(location.search);
  const reason = params.get("ssoError");
  if (reason === null) return null;
  params.delete("ssoError");
  const rest = params.toString();
  history.replaceState(history.state, "", location.pathname + (rest ? `?${rest}` : "") + location.hash);
  return SSO_ERRORS[reason] ?? "Single sign-on failed.";
}

export function LoginPage({ onSignedIn }: { onSignedIn: (s: SessionInfo) => void }) {
  usePageTitle("Sign in");
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const first = useRef<HTMLInputElement>(null);
  const config = useQuery({ queryKey: authKeys.config, queryFn: authApi.config });
  const [ssoError] = useState(takeSsoError);
  useEffect(() => first.current?.focus(), []);
  const login = useMutation({
    mutationFn: () => authApi.login(username.trim(), password),
    onSuccess: (s) => {
      setPassword("");
      onSignedIn(s);
    },
  });
  const err =
    login.error instanceof ApiError ? login.error.problem.detail : login.error ? String(login.error) : login.isIdle ? ssoError : null;
  return (
    <main id="main" className="flex min-h-full items-center justify-center p-6">
      <form
        className="panel w-full max-w-sm p-6"
        aria-labelledby="login-title"
        onSubmit={(e) => {
          e.preventDefault();
          login.mutate();
        }}
      >
        <div className="mb-4 flex items-center gap-2">
          <span className="inline-block h-3 w-3 rounded-full bg-[var(--accent)]" aria-hidden="true" />
          <h1 id="login-title" className="text-lg font-semibold">
            Sign in to Cluster Manager
          </h1>
        </div>
        <label className="mb-3 block text-sm">
          <span className="mb-1 block font-medium">User name</span>
          <input
            ref={first}
            className="input w-full"
            name="username"
            autoComplete="username"
            data-testid="login-username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            required
          />
        </label>
        <label className="mb-4 block text-sm">
          <span className="mb-1 block font-medium">Password</span>
          <input
            className="input w-full"
            type="password"
            name="password"
            autoComplete="current-password"
            data-testid="login-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        {err ? (
          <p role="alert" className="mb-3 text-sm text-[var(--danger)]" data-testid="login-error">
            {err}
          </p>
        ) : null}
        <button type="submit" className="btn btn-primary w-full" disabled={login.isPending} data-testid="login-submit">
          {login.isPending ? "Signing in…" : "Sign in"}
        </button>
        {config.data?.oidcEnabled ? (
          <>
            <p className="my-3 text-center text-xs text-[var(--muted)]" aria-hidden="true">
              or
            </p>
            {/* A full-page navigation: the manager redirects to the identity provider. */}
            <a href={OIDC_LOGIN_URL} className="btn w-full justify-center" data-testid="login-sso">
              Sign in with SSO
            </a>
          </>
        ) : null}
      </form>
    </main>
  );
}
