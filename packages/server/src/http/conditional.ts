import type { Request } from 'express';

/** Whether If-None-Match names `etag` (or is `*`); weak validators compare by their opaque tag. */
export function isNotModified(req: Request, etag: string): boolean {
  const header = req.get('if-none-match');
  if (header === undefined) return false;
  return header.split(',').some((candidate) => {
    const tag = candidate.trim();
    return tag === '*' || tag === etag || tag === `W/${etag}`;
  });
}
