/**
 * Who is signed in. [`SessionGate`] asks the server whether sign-in is required and who the
 * caller is; without a session it shows the sign-in page instead of the app, and it returns
 * there whenever an answer is 401 (signed out, session expired). Pages read the caller with
 * [`useSession`] to disable what their role cannot do (the API enforces it regardless).
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { createContext, useContext, useEffect, type ReactNode } from "react";
import { authApi, authKeys, roleAtLeast, type Role, type SessionInfo } from "../api/auth";
import { ApiError } from "../api/errors";
import { setCsrfToken, UNAUTHENTICATED_EVENT } from "../api/session";
import { LoginPage } from "../pages/auth/LoginPage";

const SessionContext = createContext<SessionInfo | null>(null);

/** The caller (`local` admin when authentication is off), or null before it is known. */
export function useSession(): SessionInfo | null {
  return useContext(SessionContext);
}

/** Whether the caller's role reaches `need`; true while unknown (the API still decides). */
export function useCan(need: Role): boolean {
  const s = useSession();
  return s === null || roleAtLeast(s.role, need);
}

export function SessionGate({ children }: { children: ReactNode }) {
  const qc = useQueryClient();
  const me = useQuery({
    queryKey: authKeys.me,
    queryFn: authApi.me,
    staleTime: Infinity,
    retry: (n, e) => n < 1 && !(e instanceof ApiError && e.status === 401),
  });
  const signedIn = me.data !== undefined;
  useEffect(() => {
    // Only a session that was working can be lost; on the sign-in page 401s are expected.
    if (!signedIn) return;
    const onUnauth = () => void qc.invalidateQueries({ queryKey: authKeys.me });
    window.addEventListener(UNAUTHENTICATED_EVENT, onUnauth);
    return () => window.removeEventListener(UNAUTHENTICATED_EVENT, onUnauth);
  }, [qc, signedIn]);
  useEffect(() => {
    if (me.data) setCsrfToken(me.data.csrfToken);
  }, [me.data]);
  // Nothing renders until the caller is known, so pages never fire requests that would 401.
  if (me.isPending) return null;
  if (me.error instanceof ApiError && me.error.status === 401) {
    return (
      <LoginPage
        onSignedIn={(s) => {
          setCsrfToken(s.csrfToken);
          qc.setQueryData(authKeys.me, s);
          void qc.invalidateQueries();
        }}
      />
    );
  }
  return <SessionContext.Provider value={me.data ?? null}>{children}</SessionContext.Provider>;
}
