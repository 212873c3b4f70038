import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";
import tailwindcss from "@tailwindcss/vite";

// The production build lands in web/dist and is embedded into the aerospike-cluster-manager binary.
// `npm run dev` proxies /api to a running manager (ACM_URL, default http://127.0.0.1:8080).
export default defineConfig({
  plugins: [react(), tailwindcss()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 600,
  },
  server: {
    proxy: {
      "/api": { target: process.env.ACM_URL ?? "http://127.0.0.1:8080", changeOrigin: true },
    },
  },
});
