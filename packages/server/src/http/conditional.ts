import type { Request } from 'express';
import { validationError } from '../errors/domain-error.js';

/** Whether If-None-Match names `etag` (or is `*`); weak validators compare by their opaque tag. */
export function isNotModified(req: Request, etag: string): boolean {
  const header = req.get('if-none-match');
  if (header === undefined) return false;
  return header.split(',').some((candidate) => {
    const tag = candidate.trim();
    return tag === '*' || tag === etag || tag === `W/${etag}`;
  });
}

const IF_MATCH = /^(?:W\/)?"(\d{1,9})"$/;

/** The ETag of a resource whose every change bumps its version. */
export function versionEtag(version: number): string {
  return `"${version}"`;
}

/**
 * The version `If-Match: "<version>"` makes a write conditional on: the one the caller last saw.
 * Undefined without the header (or with `*`); a malformed one is a 400 naming the header.
 */
export function expectedVersionOf(req: Request, options: { readonly resource: string }): number | undefined {
  const header = req.get('if-match');
  if (header === undefined || header.trim() === '*') return undefined;
  const version = IF_MATCH.exec(header.trim())?.[1];
  if (version === undefined)
    throw validationError([{ path: 'If-Match', message: `Expected the ETag of the ${options.resource}, e.g. "3".` }]);
  return Number(version);
}
