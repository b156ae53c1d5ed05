/** The slices of the Istio API istio-sync writes (networking.istio.io). */

export const ISTIO_API_VERSION = 'networking.istio.io/v1';
/** EnvoyFilter is served only as v1alpha3. */
export const ENVOY_FILTER_API_VERSION = 'networking.istio.io/v1alpha3';

export interface ObjectMeta {
  readonly name: string;
  readonly namespace: string;
  readonly labels: { readonly [key: string]: string };
  readonly annotations: { readonly [key: string]: string };
}

/** Header match: `{}` checks presence only. */
export interface StringMatch {
  readonly exact?: string;
  readonly prefix?: string;
  readonly regex?: string;
}

export interface HttpMatchRequest {
  readonly name?: string;
  readonly headers?: { readonly [header: string]: StringMatch };
}

export interface Destination {
  readonly host: string;
  readonly subset?: string;
}

export interface HttpRouteDestination {
  readonly destination: Destination;
  readonly weight?: number;
}

export interface HttpMirrorPolicy {
  readonly destination: Destination;
  readonly percentage?: { readonly value: number };
}

export interface HttpRoute {
  readonly name?: string;
  readonly match?: readonly HttpMatchRequest[];
  readonly route: readonly HttpRouteDestination[];
  readonly mirrors?: readonly HttpMirrorPolicy[];
}

export interface VirtualService {
  readonly apiVersion: typeof ISTIO_API_VERSION;
  readonly kind: 'VirtualService';
  readonly metadata: ObjectMeta;
  readonly spec: {
    readonly hosts: readonly string[];
    readonly gateways?: readonly string[];
    readonly http: readonly HttpRoute[];
  };
}

export interface Subset {
  readonly name: string;
  readonly labels: { readonly [label: string]: string };
}

export interface DestinationRule {
  readonly apiVersion: typeof ISTIO_API_VERSION;
  readonly kind: 'DestinationRule';
  readonly metadata: ObjectMeta;
  readonly spec: {
    readonly host: string;
    readonly subsets: readonly Subset[];
  };
}

export interface EnvoyFilter {
  readonly apiVersion: typeof ENVOY_FILTER_API_VERSION;
  readonly kind: 'EnvoyFilter';
  readonly metadata: ObjectMeta;
  readonly spec: {
    readonly workloadSelector: { readonly labels: { readonly [label: string]: string } };
    readonly configPatches: readonly {
      readonly applyTo: 'HTTP_FILTER';
      readonly match: {
        readonly context: 'GATEWAY';
        readonly listener: {
          readonly filterChain: {
            readonly filter: { readonly name: string; readonly subFilter: { readonly name: string } };
          };
        };
      };
      readonly patch: {
        readonly operation: 'INSERT_BEFORE';
        readonly value: {
          readonly name: string;
          readonly typed_config: {
            readonly '@type': string;
            readonly default_source_code: { readonly inline_string: string };
          };
        };
      };
    }[];
  };
}

/** Every resource istio-sync renders. */
export type IstioResource = VirtualService | DestinationRule | EnvoyFilter;
