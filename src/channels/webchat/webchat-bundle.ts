import { fileURLToPath } from 'node:url';

// Microsoft's Web Chat UI, served by the product itself (no CDN). Only its single-file browser
// build is kept: the npm package would pull ~480 MB of dependencies into every install.
// `scripts/fetch-webchat.ts` fetches the registry tarball and extracts this one file.

export const WEBCHAT_BUNDLE = {
  packageName: 'botframework-webchat',
  version: '4.18.1',
  /** The registry tarball's integrity (as in a package-lock), checked before extracting. */
  tarballIntegrity: 'sha512-7jpEUJ7olT62Xm+8eh7BhhIcXVfU2xD4pZDaeBt8K4XcNy6K/83UGIxE9BFkXmHMZ4hDEVOzs5cre07GWuaXzg==',
  /** The file taken from the tarball, and its SHA-256. */
  fileInTarball: 'package/dist/webchat.js',
  sha256: '0a68ad0a64fc04d621197da10c3eec0f843e16f7d03f6bcbed29b47517cf9bff',
  /** Third-party notices that come with the bundle, served beside it. */
  licenseInTarball: 'package/dist/webchat.js.LICENSE.txt',
} as const;

/** The gitignored folder the bundle is extracted into. */
export const WEBCHAT_VENDOR_DIR = fileURLToPath(new URL('./vendor/', import.meta.url));
export const WEBCHAT_BUNDLE_PATH = `${WEBCHAT_VENDOR_DIR}webchat.js`;
export const WEBCHAT_LICENSE_PATH = `${WEBCHAT_VENDOR_DIR}webchat.js.LICENSE.txt`;
