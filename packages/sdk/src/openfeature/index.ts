export { LiftProvider, LiftWebProvider } from './lift-provider.js';
export type { ProviderOptions } from './resolve-flag.js';
