import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

// The patter server serves dist/ at /; `npm run dev` proxies the API to a local server.
export default defineConfig({
  plugins: [react()],
  base: "/",
  build: {
    outDir: "dist",
    assetsDir: "assets",
    sourcemap: false,
  },
  server: {
    proxy: {
      "/api": "http://127.0.0.1:8000",
    },
  },
  test: {
    include: ["src/**/*.test.ts"],
  },
});
