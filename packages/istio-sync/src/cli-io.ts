import type { Cluster } from './cluster.js';

/** Everything the CLI touches outside itself, so tests run it in-process. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly readStdin: () => Promise<string>;
  readonly env: { readonly [name: string]: string | undefined };
  /** Builds the cluster adapter from --kubeconfig/--context (default: the kubeconfig kubectl would use). */
  readonly makeCluster?: (options: { readonly kubeconfig?: string; readonly context?: string }) => Cluster;
  readonly fetch?: typeof fetch;
  /** Ends `watch`. */
  readonly signal?: AbortSignal;
  readonly schemaDir?: URL;
}

/** The process's own stdin, stdout, stderr and environment. */
export function nodeIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    env: process.env,
  };
}
