import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { RouterProvider } from "react-router";
import { ApiError } from "./api/errors";
import { createRouter } from "./app/routes";
import { SessionGate } from "./app/session";
import { applyTheme, watchSystemTheme } from "./app/theme";
import "./index.css";

applyTheme();
watchSystemTheme();

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // 4xx answers are definitive: do not retry them. Network and 5xx get one more try.
      retry: (count, err) => count < 1 && !(err instanceof ApiError && err.status >= 400 && err.status < 500),
      refetchOnWindowFocus: false,
      staleTime: 5_000,
    },
  },
});

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <SessionGate>
        <RouterProvider router={createRouter()} />
      </SessionGate>
    </QueryClientProvider>
  </StrictMode>,
);
