import { z } from 'zod';
import { ROLES } from '../http/principal.js';

export const roleSchema = z
  .enum(ROLES)
  .meta({ id: 'Role', description: 'admin: experiments and keys; sdk: config; analyst: read.' });

export const createKeyBody = z
  .strictObject({
    name: z.string().trim().min(1).max(200).meta({ example: 'checkout web app' }),
    role: roleSchema,
  })
  .meta({ id: 'CreateApiKey' });

export const updateKeyBody = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    role: roleSchema.optional(),
  })
  .refine((body) => body.name !== undefined || body.role !== undefined, 'Send a name, a role, or both.')
  .meta({ id: 'UpdateApiKey' });

export const keyIdParams = z.object({ id: z.uuid() });

export const apiKeySchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    role: roleSchema,
    createdBy: z.uuid().nullable(),
    createdAt: z.iso.datetime(),
    revokedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'ApiKey' });

export const createdKeySchema = apiKeySchema
  .extend({ key: z.string().meta({ description: 'The secret. Shown only in this response; store it now.' }) })
  .meta({ id: 'CreatedApiKey' });

export const keyListSchema = z.object({ items: z.array(apiKeySchema) }).meta({ id: 'ApiKeyList' });

export type CreateKeyInput = z.output<typeof createKeyBody>;
export type UpdateKeyInput = z.output<typeof updateKeyBody>;
export type ApiKey = z.output<typeof apiKeySchema>;
export type CreatedKey = z.output<typeof createdKeySchema>;
