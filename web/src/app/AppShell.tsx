/** Frame of every page: left navigation, profile selector, theme toggle, content outlet. */
import { useQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useRef, useState } from "react";
import { NavLink, Outlet, useLocation, useNavigate, useNavigation, useParams } from "react-router";
import { endpoints, keys } from "../api/endpoints";
import { Icon } from "../components/icons";
import { groupProfiles } from "../pages/connections/grouping";
import { ANNOUNCER_ID } from "./pageTitle";
import { CLUSTER_PAGES } from "./routes";
import { setTheme, useTheme, type ThemeChoice } from "./theme";
import { useProfiles } from "./useProfile";
import { UserMenu } from "./UserMenu";
import { useCan } from "./session";

const LAST_KEY = "acm.lastProfile";

function rememberProfile(id: string) {
  try {
    localStorage.setItem(LAST_KEY, id);
  } catch {
    /* ignore */
  }
}
function lastProfile(): string | null {
  try {
    return localStorage.getItem(LAST_KEY);
  } catch {
    return null;
  }
}

const NEXT_THEME: Record<ThemeChoice, ThemeChoice> = { light: "dark", dark: "system", system: "light" };

export function ThemeToggle() {
  const theme = useTheme();
  const icon = theme === "light" ? "sun" : theme === "dark" ? "moon" : "monitor";
  return (
    <button
      type="button"
      className="btn btn-icon"
      data-testid="theme-toggle"
      aria-label={`Theme: ${theme}. Switch to ${NEXT_THEME[theme]}`}
      title={`Theme: ${theme}`}
      onClick={() => setTheme(NEXT_THEME[theme])}
    >
      <Icon name={icon} />
    </button>
  );
}

function ProfileSelector() {
  const { connId } = useParams();
  const { data, isLoading } = useProfiles();
  const navigate = useNavigate();
  const location = useLocation();
  const groups = useMemo(() => groupProfiles(data ?? []), [data]);
  const current = connId ?? "";
  return (
    <label className="flex items-center gap-2">
      <span className="sr-only">Active connection</span>
      <select
        className="input w-44 sm:w-56"
        aria-label="Active connection"
        data-testid="profile-selector"
        value={current}
        disabled={isLoading}
        onChange={(e) => {
          const id = e.target.value;
          if (!id) return navigate("/connections");
          // Stay on the same kind of page for the other profile.
          const m = /^\/clusters\/[^/]+\/([^/]+)/.exec(location.pathname);
          const pageName = m?.[1] && CLUSTER_PAGES.some((p) => p.path === m[1]) ? m[1] : "dashboard";
          navigate(`/clusters/${id}/${pageName}`);
        }}
      >
        <option value="">{isLoading ? "Loading connections…" : "Choose a connection…"}</option>
        {groups.map((g) => (
          <optgroup key={g.label} label={g.label}>
            {g.profiles.map((p) => (
              <option key={p.id} value={String(p.id)}>
                {p.name}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
    </label>
  );
}

const linkCls = ({ isActive }: { isActive: boolean }) =>
  `flex items-center gap-2 rounded-md px-2.5 py-1.5 text-sm ${
    isActive ? "bg-[var(--panel-2)] font-semibold text-[var(--text)]" : "muted hover:bg-[var(--panel-2)] hover:text-[var(--text)]"
  }`;

export function AppShell() {
  const { connId } = useParams();
  const navigation = useNavigation();
  const profiles = useProfiles();
  const settings = useQuery({ queryKey: keys.settings, queryFn: endpoints.settings, staleTime: Infinity });
  const k8sEnabled = settings.data?.k8sManagementEnabled === true;
  const isAdmin = useCan("admin");
  const { pathname } = useLocation();
  // Narrow screens (and 400 % zoom, WCAG 1.4.10): the navigation folds behind a Menu button.
  const [navOpen, setNavOpen] = useState(false);
  const menuButton = useRef<HTMLButtonElement>(null);
  const nav = useRef<HTMLElement>(null);
  useEffect(() => setNavOpen(false), [pathname]);
  // Opened from the keyboard or not, focus goes to the first entry (the nav precedes the button).
  useEffect(() => {
    if (navOpen) nav.current?.querySelector<HTMLElement>("a[href]")?.focus();
  }, [navOpen]);
  useEffect(() => {
    if (connId) rememberProfile(connId);
  }, [connId]);
  const last = lastProfile();
  const navProfile = connId ?? (last && profiles.data?.some((p) => String(p.id) === last) ? last : undefined);
  const active = profiles.data?.find((p) => String(p.id) === navProfile);

  return (
    <div className="flex h-full">
      <div id={ANNOUNCER_ID} className="sr-only" aria-live="polite" aria-atomic="true" />
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-[var(--panel)] focus:px-3 focus:py-2">
        Skip to content
      </a>
      <nav
        ref={nav}
        id="main-nav"
        aria-label="Main"
        className={`${navOpen ? "fixed inset-y-0 left-0 z-40 flex shadow-xl" : "hidden"} w-56 shrink-0 flex-col border-r border-[var(--border)] bg-[var(--panel)] md:static md:flex md:shadow-none`}
        onKeyDown={(e) => {
          if (e.key === "Escape" && navOpen) {
            setNavOpen(false);
            menuButton.current?.focus();
          }
        }}
      >
        <div className="flex items-center gap-2 px-4 py-3.5">
          <span className="inline-block h-3 w-3 rounded-full bg-[var(--accent)]" aria-hidden="true" />
          <span className="font-semibold">Cluster Manager</span>
        </div>
        <ul className="flex flex-1 flex-col gap-0.5 overflow-y-auto px-2">
          <li>
            <NavLink to="/connections" className={linkCls}>
              <Icon name="plug" /> Connections
            </NavLink>
          </li>
          {k8sEnabled ? (
            <li>
              <NavLink to="/k8s" className={linkCls}>
                <Icon name="layers" /> Kubernetes
              </NavLink>
            </li>
          ) : null}
          <li className="mt-3 mb-1 flex items-center gap-2 px-2.5 text-xs font-semibold uppercase tracking-wide muted">
            {active ? (
              <>
                <span className="keep-colors inline-block h-2 w-2 rounded-full" style={{ background: active.color }} aria-hidden="true" />
                <span className="truncate normal-case">{active.name}</span>
              </>
            ) : (
              "Cluster"
            )}
          </li>
          {navProfile ? null : (
            // Says why the entries below are not links (they look the same as inactive links).
            <li id="nav-needs-connection" className="muted mb-1 px-2.5 text-xs">
              Choose a connection first
            </li>
          )}
          {CLUSTER_PAGES.map((p) => (
            <li key={p.path}>
              {navProfile ? (
                <NavLink to={`/clusters/${navProfile}/${p.path}`} className={linkCls}>
                  <Icon name={p.icon} /> {p.label}
                </NavLink>
              ) : (
                // Not a link until a connection is chosen: announced as an unavailable link, in
                // the muted color (which meets 4.5:1), never faded below the contrast minimum.
                <span
                  role="link"
                  aria-disabled="true"
                  aria-describedby="nav-needs-connection"
                  className="muted flex cursor-not-allowed items-center gap-2 rounded-md px-2.5 py-1.5 text-sm"
                  title="Choose a connection first"
                >
                  <Icon name={p.icon} /> {p.label}
                </span>
              )}
            </li>
          ))}
          <li className="mt-auto pt-3">
            <NavLink to="/access" className={linkCls}>
              <Icon name="users" /> Access
            </NavLink>
          </li>
          {isAdmin ? (
            <li>
              <NavLink to="/audit" className={linkCls}>
                <Icon name="terminal" /> Audit log
              </NavLink>
            </li>
          ) : null}
          <li className="mb-2">
            <NavLink to="/settings" className={linkCls}>
              <Icon name="settings" /> Settings
            </NavLink>
          </li>
        </ul>
      </nav>
      {navOpen ? <div className="fixed inset-0 z-30 bg-black/40 md:hidden" aria-hidden="true" onClick={() => setNavOpen(false)} /> : null}
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="relative flex h-14 shrink-0 items-center justify-end gap-2 border-b border-[var(--border)] bg-[var(--panel)] px-4">
          <div
            className={`absolute inset-x-0 bottom-0 h-0.5 bg-[var(--accent)] transition-opacity ${navigation.state === "loading" ? "opacity-100" : "opacity-0"}`}
            aria-hidden="true"
          />
          <button
            ref={menuButton}
            type="button"
            className="btn btn-icon mr-auto md:hidden"
            aria-label="Menu"
            aria-expanded={navOpen}
            aria-controls="main-nav"
            onClick={() => setNavOpen((o) => !o)}
          >
            <Icon name={navOpen ? "x" : "menu"} />
          </button>
          <ProfileSelector />
          <ThemeToggle />
          <UserMenu />
        </header>
        <main id="main" tabIndex={-1} className="min-h-0 flex-1 overflow-auto p-5">
          <Outlet />
        </main>
      </div>
    </div>
  );
}
