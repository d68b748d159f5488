/**
 * The web dashboard (web/, built by `npm run build` into dist/web): its hashed assets under
 * /assets and index.html for every other browser navigation that is not an API route, so the
 * single-page app's own URLs (/entities/MESH:D008012, /graph?seeds=...) can be shared and reloaded.
 * Nothing comes from another origin (see DASHBOARD_CSP).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Router } from 'express';

/** Everything from this origin; inline styles for React's style props and Cytoscape's container; PNG export uses data: and blob: URLs. */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

/** dist/web of this package, found from this file whether it runs from dist/ (built) or src/ (tests through vitest). */
export function defaultDashboardDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return path.join(dir, 'dist', 'web');
    dir = path.dirname(dir);
  }
  return path.resolve('dist', 'web');
}

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>vaner-kg</title></head>
<body><h1>vaner-kg</h1><p>The dashboard is not built in this installation: run <code>npm run build</code> and restart.
The GraphQL API and its IDE are at <a href="/graphql">/graphql</a>.</p></body></html>`;

/**
 * Routes for the dashboard. `reserved` are path prefixes that belong to the API (never answered with
 * the app's index.html).
 */
export function createDashboard(options: { dir: string; reserved: readonly string[] }): Router {
  const router = express.Router();
  const index = path.join(options.dir, 'index.html');
  router.use(
    '/assets',
    // Hashed names: a file never changes under its name, so browsers may keep it.
    express.static(path.join(options.dir, 'assets'), { immutable: true, maxAge: '365d', index: false }),
    (_req, res) => {
      res.status(404).type('text/plain').send('no such dashboard asset (was the dashboard rebuilt? reload the page)');
    },
  );
  router.get('/favicon.svg', (_req, res, next) => {
    res.sendFile(path.join(options.dir, 'favicon.svg'), { maxAge: '1d' }, (err) => {
      if (err) next();
    });
  });
  router.get(/.*/, (req, res, next) => {
    if (options.reserved.some((p) => req.path === p || req.path.startsWith(`${p}/`))) {
      next();
      return;
    }
    // Only browser navigations get the app; API clients asking for JSON get the usual 404.
    if (req.accepts(['text/html', 'application/json']) !== 'text/html') {
      next();
      return;
    }
    res.set('Content-Security-Policy', DASHBOARD_CSP).set('Cache-Control', 'no-cache').set('X-Content-Type-Options', 'nosniff');
    if (!fs.existsSync(index)) {
      res.status(503).type('html').send(NOT_BUILT);
      return;
    }
    res.sendFile(index, (err) => {
      if (err) next(err);
    });
  });
  return router;
}
