/**
 * The browser console (staff console, institution portal, expert pages, public pages): React + Ant Design,
 * built by Vite into web/dist, which the API server serves in production (api/static.ts).
 * `npm run web:dev` serves it with hot reload and proxies /api to the API on API_URL (default :3000).
 */
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 4000 },
  server: { proxy: { '/api': process.env.API_URL ?? 'http://127.0.0.1:3000', '/openapi.json': process.env.API_URL ?? 'http://127.0.0.1:3000' } },
});
