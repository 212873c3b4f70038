/** The signed-in user in the header: name, role, and sign-out (when sign-in is on). */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { authApi } from "../api/auth";
import { setCsrfToken } from "../api/session";
import { useSession } from "./session";

export function UserMenu() {
  const s = useSession();
  const qc = useQueryClient();
  const logout = useMutation({
    mutationFn: authApi.logout,
    // A full reload drops every cached answer of the session and shows the sign-in page.
    onSettled: () => {
      setCsrfToken(null);
      qc.clear();
      window.location.assign("/");
    },
  });
  if (!s || !s.authEnabled) return null;
  return (
    <div className="flex items-center gap-2 text-sm" data-testid="user-menu">
      <span>
        <span className="font-medium">{s.name}</span> <span className="muted">({s.role})</span>
      </span>
      <button type="button" className="btn" onClick={() => logout.mutate()} data-testid="sign-out">
        Sign out
      </button>
    </div>
  );
}
