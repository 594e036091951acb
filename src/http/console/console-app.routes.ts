import express, { Router } from 'express';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

// The console's single-page app, built by `npm run console:build` into dist/console: its files,
// and index.html for every other /console path (the app's router reads the URL). /console/api
// is never answered here, so an unknown API path stays a JSON 404.

export const CONSOLE_DIST_DIR = fileURLToPath(new URL('../../../dist/console', import.meta.url));

export function consoleAppRoutes(distDir = CONSOLE_DIST_DIR): Router {
  const router = Router();
  const indexHtml = path.join(distDir, 'index.html');
  // Hashed file names: a build never changes a file under the same name.
  router.use('/console/assets', express.static(path.join(distDir, 'assets'), { immutable: true, maxAge: '365d', index: false, fallthrough: false }));
  router.get(['/console', '/console/{*rest}'], (req, res, next) => {
    if (req.path.startsWith('/console/api/') || req.path === '/console/api') return next();
    if (!existsSync(indexHtml)) {
      res
        .status(503)
        .type('text/plain')
        .send('The console has not been built. Run `npm run console:build` (npm run setup does it), then reload this page.\n');
      return;
    }
    res.set('Cache-Control', 'no-cache').sendFile(indexHtml);
  });
  return router;
}
