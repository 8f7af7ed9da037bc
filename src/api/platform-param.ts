import { invalidArgument } from '../lib/errdefs.js';
import type { ImageStore } from '../core/images.js';
import { checkImagePlatform, normalizePlatform, platformMatches, type Platform } from '../services/images/pull-platform.js';
import { at } from './versions.js';

/**
 * A `platform` query value that the API defines as a JSON-encoded OCI platform
 * (`{"os":"linux","architecture":"amd64"}`), decoded as Docker's `httputils.DecodePlatform`:
 * 400 with Docker's messages when it is not JSON or lacks the OS or architecture.
 */
export function decodePlatform(json: string): Platform {
  let p: { os?: unknown; architecture?: unknown; variant?: unknown; 'os.version'?: unknown; 'os.features'?: unknown };
  try {
    p = JSON.parse(json) as typeof p;
    if (p === null || typeof p !== 'object' || Array.isArray(p)) throw new SyntaxError('not an object');
  } catch (err) {
    throw invalidArgument(`failed to parse platform: ${(err as Error).message}`);
  }
  const os = typeof p.os === 'string' ? p.os : '';
  const architecture = typeof p.architecture === 'string' ? p.architecture : '';
  const variant = typeof p.variant === 'string' ? p.variant : '';
  const optional = variant !== '' || p['os.version'] !== undefined || p['os.features'] !== undefined;
  if (os === '' && architecture === '' && optional) throw invalidArgument('optional platform fields provided, but OS and Architecture are missing');
  if (os === '' || architecture === '') throw invalidArgument('both OS and Architecture must be provided');
  return normalizePlatform({ os, architecture, ...(variant ? { variant } : {}) });
}

/** Every `platform` value of a request (save and load take several from API 1.52). */
export function decodePlatforms(values: string[]): Platform[] {
  return values.filter((v) => v !== '').map(decodePlatform);
}

/**
 * The `platform` values of save and load: one from API 1.48, several from 1.52 (Docker's 400
 * for several below it); none before 1.48, where Docker ignores the parameter.
 */
export function archivePlatforms(query: URLSearchParams, version: string): Platform[] {
  if (!at(version, 'imageDescriptor')) return [];
  const values = query.getAll('platform');
  if (values.length > 1 && !at(version, 'imageMultiPlatformArchive')) {
    throw invalidArgument('multiple platform parameters are not supported in this API version; use API version 1.52 or later');
  }
  return decodePlatforms(values);
}

/**
 * A platform-selecting parameter against the named image: berth keeps one platform per image
 * (as Docker's graphdriver store), which must be among those asked for — else Docker's 404.
 * Nothing asked for, or no such image (the operation itself says so), passes.
 */
export function requireImagePlatform(images: Pick<ImageStore, 'resolve'>, name: string, platforms: Platform[]): void {
  const img = platforms.length > 0 ? images.resolve(name) : undefined;
  if (img !== undefined && !platforms.some((p) => platformMatches(img.config, p))) checkImagePlatform(name, img.config, platforms[0]);
}
