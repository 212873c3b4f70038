/** Page titles (WCAG 2.4.2) and route-change announcements for screen readers in the SPA. */
import { useEffect } from "react";

export const APP_NAME = "Aerospike Cluster Manager";
/** The polite live region in the app shell that announces the page after client-side navigation. */
export const ANNOUNCER_ID = "route-announcer";

let firstPage = true;

/** Sets `document.title` to "<page> · Aerospike Cluster Manager" and, after the first page (which
 * screen readers read on load anyway), announces the new page's name. */
export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · ${APP_NAME}`;
    const live = document.getElementById(ANNOUNCER_ID);
    if (live && !firstPage) live.textContent = title;
    firstPage = false;
  }, [title]);
}
