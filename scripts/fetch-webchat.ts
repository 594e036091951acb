import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import { WEBCHAT_BUNDLE, WEBCHAT_BUNDLE_PATH, WEBCHAT_LICENSE_PATH, WEBCHAT_VENDOR_DIR } from '../src/channels/webchat/webchat-bundle.ts';

// `npm run setup` and `npm run setup:test` run this: it puts Web Chat's browser bundle in
// src/channels/webchat/vendor/ (gitignored). `npm pack` downloads only the package's own tarball (7 MB) from the
// registry npm is configured with, never its dependency tree; the tarball's integrity and the
// extracted file's SHA-256 are both checked against pinned values.

const run = promisify(execFile);
const packOutput = z.array(z.object({ filename: z.string(), integrity: z.string(), size: z.number() })).length(1);

async function sha(algorithm: 'sha256' | 'sha512', path: string, encoding: 'hex' | 'base64'): Promise<string> {
  return createHash(algorithm).update(await readFile(path)).digest(encoding);
}

async function fetchWebchatBundle(): Promise<string> {
  const { packageName, version, tarballIntegrity, fileInTarball, licenseInTarball, sha256 } = WEBCHAT_BUNDLE;
  if (existsSync(WEBCHAT_BUNDLE_PATH) && (await sha('sha256', WEBCHAT_BUNDLE_PATH, 'hex')) === sha256) {
    return `Web Chat ${version} is already in ${WEBCHAT_VENDOR_DIR}`;
  }
  const work = await mkdtemp(join(tmpdir(), 'webchat-'));
  try {
    const { stdout } = await run('npm', ['pack', `${packageName}@${version}`, '--json', '--silent', '--pack-destination', work], { maxBuffer: 64 * 1024 * 1024 });
    const [packed] = packOutput.parse(JSON.parse(stdout));
    if (!packed) throw new Error('npm pack reported no tarball');
    const tarball = join(work, packed.filename);
    const integrity = `sha512-${await sha('sha512', tarball, 'base64')}`;
    if (packed.integrity !== tarballIntegrity || integrity !== tarballIntegrity) {
      throw new Error(`${packageName}@${version} tarball integrity is ${integrity}, expected ${tarballIntegrity}`);
    }
    await run('tar', ['-xzf', tarball, '-C', work, fileInTarball, licenseInTarball]);
    const extracted = join(work, fileInTarball);
    const actual = await sha('sha256', extracted, 'hex');
    if (actual !== sha256) throw new Error(`${fileInTarball} has SHA-256 ${actual}, expected ${sha256}`);
    await mkdir(WEBCHAT_VENDOR_DIR, { recursive: true });
    await copyFile(join(work, licenseInTarball), WEBCHAT_LICENSE_PATH);
    // Copied next to the target, then renamed: a half-written bundle is never served.
    await copyFile(extracted, `${WEBCHAT_BUNDLE_PATH}.partial`);
    await rename(`${WEBCHAT_BUNDLE_PATH}.partial`, WEBCHAT_BUNDLE_PATH);
    const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
    return `Web Chat ${version}: ${fileInTarball.replace('package/', '')} (${megabytes((await stat(WEBCHAT_BUNDLE_PATH)).size)}) extracted from the ${megabytes(packed.size)} registry tarball into ${WEBCHAT_VENDOR_DIR}`;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

try {
  process.stdout.write(`${await fetchWebchatBundle()}\n`);
} catch (error) {
  process.stderr.write(`Could not fetch the Web Chat bundle: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
