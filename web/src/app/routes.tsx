/** URL map of the UI. Every page is its own chunk, loaded on first visit. */
import { createBrowserRouter, Navigate, type RouteObject } from "react-router";
import { AppShell } from "./AppShell";
import { RouteError } from "./RouteError";

type PageModule = { default: React.ComponentType };
const page = (load: () => Promise<PageModule>) => async () => ({ Component: (await load()).default });

/** Pages that need a connection profile, relative to /clusters/:connId. */
export const CLUSTER_PAGES = [
  { path: "dashboard", label: "Dashboard", icon: "chart" },
  { path: "namespaces", label: "Namespaces & sets", icon: "layers" },
  { path: "browse", label: "Record browser", icon: "table" },
  { path: "query", label: "Query builder", icon: "filter" },
  { path: "indexes", label: "Secondary indexes", icon: "index" },
  { path: "udfs", label: "UDFs", icon: "code" },
  { path: "users", label: "Users & roles", icon: "users" },
  { path: "console", label: "Info console", icon: "terminal" },
  { path: "aql", label: "AQL terminal", icon: "search" },
] as const;

export const routes: RouteObject[] = [
  {
    path: "/",
    element: <AppShell />,
    errorElement: <RouteError />,
    children: [
      { index: true, element: <Navigate to="/connections" replace /> },
      { path: "connections", lazy: page(() => import("../pages/connections/ConnectionsPage")) },
      { path: "settings", lazy: page(() => import("../pages/SettingsPage")) },
      { path: "access", lazy: page(() => import("../pages/auth/AccessPage")) },
      { path: "audit", lazy: page(() => import("../pages/auth/AuditPage")) },
      // Kubernetes management (one lazily loaded chunk; the nav entry is hidden when the server has it off).
      { path: "k8s", lazy: page(() => import("../pages/k8s/K8sClustersPage")) },
      { path: "k8s/new", lazy: page(() => import("../pages/k8s/K8sCreateClusterPage")) },
      { path: "k8s/clusters/:namespace/:name", lazy: page(() => import("../pages/k8s/K8sClusterDetailPage")) },
      { path: "k8s/templates", lazy: page(() => import("../pages/k8s/K8sTemplatesPage")) },
      { path: "k8s/templates/new", lazy: page(() => import("../pages/k8s/K8sCreateTemplatePage")) },
      { path: "k8s/templates/:name", lazy: page(() => import("../pages/k8s/K8sTemplateDetailPage")) },
      {
        path: "clusters/:connId",
        children: [
          { index: true, element: <Navigate to="dashboard" replace /> },
          { path: "dashboard", lazy: page(() => import("../pages/dashboard/DashboardPage")) },
          { path: "namespaces", lazy: page(() => import("../pages/namespaces/NamespacesPage")) },
          { path: "namespaces/:ns", lazy: page(() => import("../pages/namespaces/NamespaceDetailPage")) },
          { path: "browse", lazy: page(() => import("../pages/records/BrowsePickerPage")) },
          { path: "browse/:ns/:set", lazy: page(() => import("../pages/records/RecordBrowserPage")) },
          { path: "query", lazy: page(() => import("../pages/query/QueryPage")) },
          { path: "indexes", lazy: page(() => import("../pages/indexes/IndexesPage")) },
          { path: "udfs", lazy: page(() => import("../pages/udfs/UdfsPage")) },
          { path: "users", lazy: page(() => import("../pages/users/UsersPage")) },
          { path: "console", lazy: page(() => import("../pages/console/ConsolePage")) },
          { path: "aql", lazy: page(() => import("../pages/aql/AqlPage")) },
        ],
      },
      { path: "*", lazy: page(() => import("../pages/NotFoundPage")) },
    ],
  },
];

export function createRouter() {
  return createBrowserRouter(routes);
}
