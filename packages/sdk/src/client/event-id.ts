import { host } from './platform.js';

/** Every 0, 1 and 8 becomes a random hex digit: 8 keeps the variant bits (10xx), 4 is the version. */
const UUID_TEMPLATE = '10000000-1000-4000-8000-100000000000';
const RANDOM_DIGITS = 31;

/** A random RFC 9562 version-4 UUID, from `crypto.randomUUID` where the host has it. */
export function createEventId(): string {
  const crypto = host.crypto;
  if (crypto?.randomUUID !== undefined) return crypto.randomUUID();
  const bytes = new Uint8Array(RANDOM_DIGITS);
  if (crypto?.getRandomValues !== undefined) crypto.getRandomValues(bytes);
  else for (let i = 0; i < RANDOM_DIGITS; i++) bytes[i] = Math.random() * 256;
  let i = 0;
  return UUID_TEMPLATE.replace(/[018]/g, (digit) => {
    const template = Number(digit);
    return (template ^ ((bytes[i++] as number) & (15 >> (template / 4)))).toString(16);
  });
}
