import { isRouteErrorResponse, Link, useRouteError } from "react-router";
import { ErrorState } from "../components/ui";

/** Shown when a page chunk fails to load or a page throws while rendering. */
export function RouteError() {
  const err = useRouteError();
  const chunkFailed = err instanceof Error && /dynamically imported module|Loading chunk/i.test(err.message);
  return (
    <main className="mx-auto max-w-2xl p-8">
      {isRouteErrorResponse(err) ? (
        <ErrorState error={new Error(`${err.status} ${err.statusText}`)} />
      ) : chunkFailed ? (
        <ErrorState error={new Error("The UI was updated or the manager restarted: reload the page to get the new version.")} onRetry={() => location.reload()} />
      ) : (
        <ErrorState error={err} onRetry={() => location.reload()} />
      )}
      <p className="mt-4">
        <Link className="underline" to="/connections">
          Back to connections
        </Link>
      </p>
    </main>
  );
}
