import { hash } from '@lift/sdk';

/** The field manager of every server-side apply, and the label marking what istio-sync owns. */
export const FIELD_MANAGER = 'lift-istio-sync';
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_SELECTOR = `${MANAGED_BY_LABEL}=${FIELD_MANAGER}`;
/** `key@version` of every experiment a resource renders, comma-separated and sorted. */
export const EXPERIMENTS_ANNOTATION = 'lift.dev/experiments';
/** The routing host a resource serves. */
export const HOST_ANNOTATION = 'lift.dev/host';

const DNS_LABEL_MAX = 63;
const DNS_SUBDOMAIN_MAX = 253;
const HASH_SUFFIX_LENGTH = 8;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Whether `text` is a DNS-1123 label, as istiod requires of subset names. */
export function isDnsLabel(text: string): boolean {
  return DNS_LABEL.test(text) && text.length <= DNS_LABEL_MAX;
}

function shortHash(text: string): string {
  return hash(text).toString(16).padStart(HASH_SUFFIX_LENGTH, '0');
}

/**
 * A DNS-1123 label (what istiod requires of subset names) derived from `text`: kept as is when
 * already valid, otherwise cleaned and suffixed with a hash of the original so names stay unique.
 */
export function toDnsLabel(text: string): string {
  if (isDnsLabel(text)) return text;
  const cleaned = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, DNS_LABEL_MAX - HASH_SUFFIX_LENGTH - 1)
    .replace(/-+$/g, '');
  return `${cleaned === '' ? 'x' : cleaned}-${shortHash(text)}`;
}

/** A DNS-1123 subdomain for object names, e.g. `lift-reviews.prod.svc.cluster.local`. */
export function toObjectName(prefix: string, text: string): string {
  const name = `${prefix}-${text
    .toLowerCase()
    .replace(/\*/g, 'wildcard')
    .replace(/[^a-z0-9.-]+/g, '-')}`;
  const isValid = name.length <= DNS_SUBDOMAIN_MAX && name.split('.').every((label) => DNS_LABEL.test(label));
  if (isValid && name === `${prefix}-${text}`) return name;
  const labels = name
    .slice(0, DNS_SUBDOMAIN_MAX - HASH_SUFFIX_LENGTH - 1)
    .split('.')
    .map((label) => label.replace(/^-+|-+$/g, '') || 'x');
  return `${labels.join('.')}-${shortHash(text)}`;
}
