import type { RequestHandler } from 'express';
import helmet from 'helmet';

// The headers every response carries (helmet): no MIME sniffing, no framing, no referrer, HSTS
// when the service is reached over https, and a Content-Security-Policy that lets a page load only
// this service's own scripts. A page that needs more (the web chat demo, with nonces) sets its own.

export interface SecurityHeadersOptions {
  /** PUBLIC_BASE_URL is https: browsers are told to keep to https (HSTS) and to upgrade insecure loads. */
  https: boolean;
}

export function securityHeaders(options: SecurityHeadersOptions): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      directives: {
        // helmet's defaults, framing refused outright; upgrading would break a service reached over plain http.
        'frame-ancestors': ["'none'"],
        'upgrade-insecure-requests': options.https ? [] : null,
      },
    },
    xFrameOptions: { action: 'deny' },
    strictTransportSecurity: options.https ? { maxAge: 31_536_000, includeSubDomains: false } : false,
  });
}

/** For responses that hold tokens or customer data: no browser or proxy cache keeps them. */
export const noStore: RequestHandler = (_req, res, next) => {
  res.set('Cache-Control', 'no-store');
  next();
};
