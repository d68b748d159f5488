// Builds the dashboard into dist/web, which the API server serves at / (src/graphql/dashboard.ts).
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    // The graph page's Cytoscape chunk is ~450 kB minified; it is loaded only on that page.
    chunkSizeWarningLimit: 600,
    sourcemap: false,
  },
  server: {
    // `npx vite --config web/vite.config.ts` during development: the API runs on its own port.
    proxy: { '/graphql': 'http://127.0.0.1:4000' },
  },
});
