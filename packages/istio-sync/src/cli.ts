#!/usr/bin/env node
import { runCli } from './cli-commands.js';
import { nodeIo } from './cli-io.js';

const controller = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => controller.abort());
process.exitCode = await runCli(process.argv.slice(2), { ...nodeIo(), signal: controller.signal });
