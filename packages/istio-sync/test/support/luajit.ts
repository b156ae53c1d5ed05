import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Runs a Lua program under luajit (Debian package `luajit`) with `input` on stdin; returns its stdout lines. */
export function runLuajit(program: string, input: string): string[] {
  const folder = mkdtempSync(join(tmpdir(), 'lift-lua-'));
  try {
    const file = join(folder, 'program.lua');
    writeFileSync(file, program);
    const result = spawnSync('luajit', [file], { input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (result.error !== undefined)
      throw new Error(`could not run luajit (apt-get install -y luajit): ${result.error.message}`);
    if (result.status !== 0) throw new Error(`luajit failed (${result.status}): ${result.stderr}`);
    return result.stdout.split('\n').filter((line) => line.length > 0);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** Hex of the UTF-8 bytes of `text` (what the Lua filter receives from Envoy). */
export function utf8Hex(text: string): string {
  return Buffer.from(text, 'utf8').toString('hex');
}

/** Lua that turns a hex line back into bytes. */
export const LUA_FROM_HEX =
  'local function from_hex(h) return (h:gsub("%x%x", function(x) return string.char(tonumber(x, 16)) end)) end';
