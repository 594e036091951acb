import { existsSync } from 'node:fs';
import { Router } from 'express';
import { AppError } from '../../lib/errors.ts';
import { WEBCHAT_BUNDLE, WEBCHAT_BUNDLE_PATH, WEBCHAT_LICENSE_PATH } from './webchat-bundle.ts';

/**
 * Serves Microsoft's Web Chat bundle (and its third-party notices) from this service, for the
 * demo page and for operators' own pages: no CDN is involved at run time.
 */
export function webchatAssetRoutes(): Router {
  const router = Router();
  const serve = (path: string, type: string) => {
    if (!existsSync(path)) {
      throw new AppError(
        'unavailable',
        'webchat_bundle_missing',
        `The Web Chat ${WEBCHAT_BUNDLE.version} bundle is not installed here. Run "npm run setup" (or "npm run webchat:fetch").`,
      );
    }
    return { path, type };
  };

  router.get('/webchat/webchat.js', (_req, res) => {
    const file = serve(WEBCHAT_BUNDLE_PATH, 'text/javascript; charset=utf-8');
    // Operators' own pages load it from their origin (the rest of the service is same-origin only).
    res.sendFile(file.path, { maxAge: '1d', headers: { 'Content-Type': file.type, 'X-Content-Type-Options': 'nosniff', 'Cross-Origin-Resource-Policy': 'cross-origin' } });
  });
  router.get('/webchat/webchat.js.LICENSE.txt', (_req, res) => {
    const file = serve(WEBCHAT_LICENSE_PATH, 'text/plain; charset=utf-8');
    res.sendFile(file.path, { maxAge: '1d', headers: { 'Content-Type': file.type, 'X-Content-Type-Options': 'nosniff' } });
  });
  return router;
}
