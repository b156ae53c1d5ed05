import { z } from 'zod';

/**
 * Any JSON value (payloads, targeting operands). Request bodies are parsed JSON, so nothing else
 * can arrive; zod's recursive `z.json()` would only clutter the OpenAPI document.
 */
export const jsonValue = z.unknown().meta({ id: 'JsonValue', description: 'Any JSON value.' });
