import { randomUUID } from 'node:crypto';
import type { Attributes } from '@lift/sdk';

/**
 * Headers an edge sets for the shop: the visitor id (or the `lift_vid` cookie), the platform
 * (otherwise guessed from the User-Agent) and the region (from geo-IP at the edge). The same
 * names appear in the Istio routing of examples/kubernetes, so the mesh and the app agree.
 */
export const USER_ID_HEADER = 'x-user-id';
export const PLATFORM_HEADER = 'x-platform';
export const REGION_HEADER = 'x-region';
export const VISITOR_COOKIE = 'lift_vid';

const MAX_ATTRIBUTE_LENGTH = 200;
const COOKIE_MAX_AGE_SECONDS = 60 * 60 * 24 * 365;

export interface RequestLike {
  header(name: string): string | undefined;
}

export interface Visitor {
  readonly attributes: Attributes & { readonly userId: string };
  /** A `Set-Cookie` value when the visitor was new and got an id. */
  readonly setCookie: string | undefined;
}

function clean(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' || trimmed.length > MAX_ATTRIBUTE_LENGTH ? undefined : trimmed;
}

function cookieValue(cookieHeader: string | undefined, name: string): string | undefined {
  for (const part of (cookieHeader ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return clean(decodeURIComponent(rest.join('=')));
  }
  return undefined;
}

/** `iOS`, `Android`, `macOS`, `Windows`, `Linux` or `other`, from a User-Agent. */
export function platformOf(userAgent: string | undefined): string {
  const agent = userAgent ?? '';
  if (/iPhone|iPad|iPod/.test(agent)) return 'iOS';
  if (/Android/.test(agent)) return 'Android';
  if (/Macintosh|Mac OS X/.test(agent)) return 'macOS';
  if (/Windows/.test(agent)) return 'Windows';
  if (/Linux/.test(agent)) return 'Linux';
  return 'other';
}

/** The evaluation context of a request: the unit (`userId`), `platform` and `region`. */
export function visitorOf(request: RequestLike): Visitor {
  const known = clean(request.header(USER_ID_HEADER)) ?? cookieValue(request.header('cookie'), VISITOR_COOKIE);
  const userId = known ?? randomUUID();
  const platform = clean(request.header(PLATFORM_HEADER)) ?? platformOf(request.header('user-agent'));
  const region = clean(request.header(REGION_HEADER));
  return {
    attributes: { userId, platform, ...(region === undefined ? {} : { region }) },
    setCookie:
      known === undefined
        ? `${VISITOR_COOKIE}=${encodeURIComponent(userId)}; Path=/; Max-Age=${COOKIE_MAX_AGE_SECONDS}; SameSite=Lax; HttpOnly`
        : undefined,
  };
}
