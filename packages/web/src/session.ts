import type { Role } from './api-types.js';

const STORAGE_KEY = 'lift.session';

/** The key entered once per tab, kept in sessionStorage (gone when the tab closes). */
export interface Session {
  readonly key: string;
  readonly role: Role;
}

/** Admins define and steer experiments; analysts only read them. */
export function isAdmin(session: Session): boolean {
  return session.role === 'admin';
}

export function loadSession(storage: Storage): Session | null {
  try {
    const parsed = JSON.parse(storage.getItem(STORAGE_KEY) ?? 'null') as Partial<Session> | null;
    if (parsed === null || typeof parsed.key !== 'string' || typeof parsed.role !== 'string') return null;
    return { key: parsed.key, role: parsed.role };
  } catch {
    return null;
  }
}

export function saveSession(storage: Storage, session: Session): void {
  storage.setItem(STORAGE_KEY, JSON.stringify(session));
}

export function clearSession(storage: Storage): void {
  storage.removeItem(STORAGE_KEY);
}
