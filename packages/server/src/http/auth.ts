import type { Request, RequestHandler } from 'express';
import { DomainError } from '../errors/domain-error.js';
import type { Principal, Role } from './principal.js';

/** Resolves a presented secret to its key, or null when unknown or revoked. */
export type Authenticator = (secret: string) => Promise<Principal | null>;

const BEARER = /^Bearer\s+(\S+)\s*$/i;

function presentedSecret(req: Request, options: RoleOptions): string | null {
  const header = req.get('authorization');
  if (header !== undefined) return BEARER.exec(header)?.[1] ?? null;
  // Browsers' EventSource cannot send headers; SDK keys may travel in the query for the stream.
  const fromQuery = options.isQueryKeyAllowed === true ? req.query['apiKey'] : undefined;
  return typeof fromQuery === 'string' && fromQuery.length > 0 ? fromQuery : null;
}

export interface RoleOptions {
  /** Accept `?apiKey=` as well as the Authorization header (the SSE stream). */
  readonly isQueryKeyAllowed?: boolean;
}

/**
 * Builds middleware that lets through only keys holding one of `roles`: no key or a revoked key
 * is a 401, another role a 403.
 */
export function createRoleGuard(authenticate: Authenticator) {
  return (roles: readonly Role[], options: RoleOptions = {}): RequestHandler =>
    async (req, _res, next) => {
      const secret = presentedSecret(req, options);
      if (secret === null) {
        throw new DomainError('unauthenticated', 'Send an API key as "Authorization: Bearer <key>".');
      }
      const principal = await authenticate(secret);
      if (principal === null) throw new DomainError('unauthenticated', 'The API key is unknown or revoked.');
      if (!roles.includes(principal.role)) {
        throw new DomainError(
          'forbidden',
          `This needs the ${roles.join(' or ')} role; the key has the ${principal.role} role.`,
          {
            requiredRoles: roles,
            role: principal.role,
          },
        );
      }
      req.principal = principal;
      next();
    };
}

export type RoleGuard = ReturnType<typeof createRoleGuard>;

/** The principal set by the role guard; routes behind a guard always have one. */
export function principalOf(req: Request): Principal {
  if (req.principal === undefined) throw new Error('route is missing its role guard');
  return req.principal;
}
