import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { DomainError } from './errors/domain-error.js';

describe('loadConfig', () => {
  it('defaults to port 8080 and the embedded database in ./.lift/data', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 8080,
      database: { kind: 'pglite', dataDir: './.lift/data' },
      adminKey: undefined,
      logLevel: 'info',
    });
    expect(config.app).toEqual({ bodyLimit: '1mb', corsOrigins: ['*'], heartbeatMs: 15000 });
  });

  it('reads PostgreSQL, the admin key, CORS origins, and treats empty variables as unset', () => {
    const config = loadConfig({
      PORT: '9000',
      DATABASE_URL: 'postgres://lift@db:5432/lift',
      LIFT_ADMIN_KEY: 'a-long-enough-admin-key',
      LIFT_CORS_ORIGINS: 'https://a.example, https://b.example',
      LOG_LEVEL: '',
    });
    expect(config).toMatchObject({
      port: 9000,
      database: { kind: 'postgres', connectionString: 'postgres://lift@db:5432/lift', poolSize: 10 },
      adminKey: 'a-long-enough-admin-key',
      logLevel: 'info',
    });
    expect(config.app.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
  });

  it('names every invalid variable', () => {
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LIFT_ADMIN_KEY: 'short', LOG_LEVEL: 'loud' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      const paths = ((error as DomainError).extensions['errors'] as { path: string }[])
        .map((entry) => entry.path)
        .sort();
      expect(paths).toEqual(['DATABASE_URL', 'LIFT_ADMIN_KEY', 'LOG_LEVEL', 'PORT']);
    }
  });
});
