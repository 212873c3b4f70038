import { Link, useLocation } from "react-router";
import { usePageTitle } from "../app/pageTitle";
import { EmptyState } from "../components/ui";

export default function NotFoundPage() {
  const { pathname } = useLocation();
  usePageTitle("Page not found");
  return (
    <EmptyState title="Page not found" action={<Link className="btn" to="/connections">Go to connections</Link>}>
      Nothing lives at <code className="mono">{pathname}</code>. Use the navigation on the left.
    </EmptyState>
  );
}
