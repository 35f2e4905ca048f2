import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The server serves the built console at /admin (server/src/http/console-files.ts). `pnpm dev`
// serves it here with hot reload and passes the API's paths on to the server on its own port.
const api = process.env.QUETMA_API ?? 'http://127.0.0.1:4000';

export default defineConfig({
  base: '/admin/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // the budget is on the initial JavaScript (README "The console"): pages load by route
    chunkSizeWarningLimit: 1500,
  },
  server: {
    port: 5173,
    proxy: {
      '/graphql': api,
      '/api': api,
      '/venues': api,
      '/posters.pdf': api,
      '/health': api,
    },
  },
});
