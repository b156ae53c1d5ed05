import { compareText } from './compare-text.js';
import type { MatchBlocks } from './header-matches.js';

/** What the Lua filter needs to decide one experiment exactly as the SDK does. */
export interface EdgeExperiment {
  readonly key: string;
  /** The header the decision is written to. */
  readonly variantHeader: string;
  /** Where the unit id is read: a request header or a cookie. */
  readonly unit: { readonly header: string } | { readonly cookie: string };
  readonly salt: string;
  readonly coverage: number;
  readonly variants: readonly { readonly key: string; readonly weight: number }[];
  readonly layer: { readonly key: string; readonly range: readonly [number, number] } | null;
  readonly overrides: { readonly [unit: string]: string };
  /** Targeting as header tests (exact, in, present); an empty list of blocks is impossible, `[{}]` is everyone. */
  readonly targeting: MatchBlocks;
}

const PRINTABLE_ASCII_MIN = 0x20;
const PRINTABLE_ASCII_MAX = 0x7e;
const BACKSLASH = 0x5c;
const QUOTE = 0x22;
const encoder = new TextEncoder();

/** A Lua string literal of the UTF-8 bytes of `text`; anything but printable ASCII becomes `\ddd`. */
export function luaString(text: string): string {
  let out = '"';
  for (const byte of encoder.encode(text)) {
    if (byte === BACKSLASH || byte === QUOTE) out += `\\${String.fromCharCode(byte)}`;
    else if (byte >= PRINTABLE_ASCII_MIN && byte <= PRINTABLE_ASCII_MAX) out += String.fromCharCode(byte);
    else out += `\\${byte.toString().padStart(3, '0')}`;
  }
  return `${out}"`;
}

function luaTest(header: string, test: MatchBlocks[number] extends ReadonlyMap<string, infer T> ? T : never): string {
  switch (test.kind) {
    case 'exact':
      return `{ header = ${luaString(header)}, kind = "exact", value = ${luaString(test.value)} }`;
    case 'in':
      return `{ header = ${luaString(header)}, kind = "in", values = { ${test.values.map((value) => `[${luaString(value)}] = true`).join(', ')} } }`;
    case 'present':
      return `{ header = ${luaString(header)}, kind = "present" }`;
    case 'regex':
      throw new Error('regex tests cannot run in the Lua filter');
  }
}

function luaExperiment(experiment: EdgeExperiment): string {
  const unit =
    'header' in experiment.unit
      ? `header = ${luaString(experiment.unit.header)}`
      : `cookie = ${luaString(experiment.unit.cookie)}`;
  const variants = experiment.variants
    .map((variant) => `{ key = ${luaString(variant.key)}, weight = ${variant.weight} }`)
    .join(', ');
  const overrides = Object.keys(experiment.overrides)
    .sort()
    .map((unitId) => `[${luaString(unitId)}] = ${luaString(experiment.overrides[unitId] as string)}`)
    .join(', ');
  const blocks = experiment.targeting
    .map(
      (block) =>
        `{ ${[...block.entries()]
          .sort(([a], [b]) => compareText(a, b))
          .map(([header, test]) => luaTest(header, test))
          .join(', ')} }`,
    )
    .join(', ');
  const layer =
    experiment.layer === null
      ? 'nil'
      : `{ key = ${luaString(experiment.layer.key)}, from = ${experiment.layer.range[0]}, to = ${experiment.layer.range[1]} }`;
  return [
    '  {',
    `    key = ${luaString(experiment.key)},`,
    `    variant_header = ${luaString(experiment.variantHeader)},`,
    `    unit = { ${unit} },`,
    `    salt = ${luaString(experiment.salt)},`,
    `    coverage = ${experiment.coverage},`,
    `    variants = { ${variants} },`,
    `    layer = ${layer},`,
    `    overrides = { ${overrides} },`,
    `    targeting = { ${blocks} },`,
    '  },',
  ].join('\n');
}

/**
 * Lift's bucketing (spec v1) in LuaJIT, for Envoy's Lua filter: MurmurHash3_x86_32 over the raw
 * bytes of the unit id, seed 0, then the SDK's decision steps. LuaJIT's `bit` operations are
 * signed 32-bit, so products are formed from 16-bit halves to stay exact in doubles.
 */
const LUA_LIBRARY = String.raw`
local bit = require("bit")
local band, bor, bxor, lshift, rshift, rol, tobit = bit.band, bit.bor, bit.bxor, bit.lshift, bit.rshift, bit.rol, bit.tobit
local byte, floor = string.byte, math.floor

local function mul32(a, b)
  local alo, ahi = band(a, 0xffff), band(rshift(a, 16), 0xffff)
  local blo, bhi = band(b, 0xffff), band(rshift(b, 16), 0xffff)
  return tobit(alo * blo + lshift(tobit(ahi * blo + alo * bhi), 16))
end

local C1, C2, N = tobit(0xcc9e2d51), tobit(0x1b873593), tobit(0xe6546b64)
local F1, F2 = tobit(0x85ebca6b), tobit(0xc2b2ae35)

local function lift_hash(s)
  local h = 0
  local len = #s
  local tail = len % 4
  local blocks_end = len - tail
  for i = 1, blocks_end, 4 do
    local b1, b2, b3, b4 = byte(s, i, i + 3)
    local k = bor(b1, lshift(b2, 8), lshift(b3, 16), lshift(b4, 24))
    k = mul32(rol(mul32(k, C1), 15), C2)
    h = bxor(h, k)
    h = tobit(mul32(rol(h, 13), 5) + N)
  end
  local k = 0
  if tail == 3 then k = bxor(k, lshift(byte(s, blocks_end + 3), 16)) end
  if tail >= 2 then k = bxor(k, lshift(byte(s, blocks_end + 2), 8)) end
  if tail >= 1 then
    k = bxor(k, byte(s, blocks_end + 1))
    h = bxor(h, mul32(rol(mul32(k, C1), 15), C2))
  end
  h = bxor(h, len)
  h = bxor(h, rshift(h, 16))
  h = mul32(h, F1)
  h = bxor(h, rshift(h, 13))
  h = mul32(h, F2)
  h = bxor(h, rshift(h, 16))
  if h < 0 then h = h + 4294967296 end
  return h
end

local function lift_bucket(s)
  return lift_hash(s) % 10000
end

local function cookie_value(cookie_header, name)
  if cookie_header == nil then return nil end
  for part in string.gmatch(cookie_header, "[^;]+") do
    local k, v = string.match(part, "^%s*([^=]-)%s*=%s*(.-)%s*$")
    if k == name then return v end
  end
  return nil
end

local function test_holds(test, get_header)
  local value = get_header(test.header)
  if test.kind == "present" then return value ~= nil end
  if value == nil then return false end
  if test.kind == "exact" then return value == test.value end
  return test.values[value] == true
end

local function targeting_holds(blocks, get_header)
  for _, block in ipairs(blocks) do
    local holds = true
    for _, test in ipairs(block) do
      if not test_holds(test, get_header) then holds = false; break end
    end
    if holds then return true end
  end
  return false
end

local function unit_of(e, get_header)
  if e.unit.header ~= nil then return get_header(e.unit.header) end
  return cookie_value(get_header("cookie"), e.unit.cookie)
end

-- The SDK's steps for a running experiment: unit, override, targeting, layer, allocation.
local function lift_decide(e, get_header)
  local control = e.variants[1].key
  local unit = unit_of(e, get_header)
  if unit == nil or unit == "" then return control end
  local forced = e.overrides[unit]
  if forced ~= nil then return forced end
  if not targeting_holds(e.targeting, get_header) then return control end
  if e.layer ~= nil then
    local lb = lift_bucket(e.layer.key .. ":" .. unit)
    if lb < e.layer.from or lb >= e.layer.to then return control end
  end
  local b = lift_bucket(e.salt .. ":" .. unit)
  local start = 0
  for _, v in ipairs(e.variants) do
    local size = floor(e.coverage * v.weight / 10000)
    if b >= start and b < start + size then return v.key end
    start = start + v.weight
  end
  return control
end
`;

const LUA_ENTRY = String.raw`
function envoy_on_request(request_handle)
  local headers = request_handle:headers()
  local get_header = function(name) return headers:get(name) end
  for _, e in ipairs(LIFT_EXPERIMENTS) do
    local ok, variant = pcall(lift_decide, e, get_header)
    if ok and variant ~= nil then
      headers:replace(e.variant_header, variant)
    else
      -- Never let a fault block traffic: without the header the mesh falls back to its default route.
      headers:remove(e.variant_header)
    end
  end
end
`;

/**
 * The Lua source of the edge filter for `experiments` (running ones only): every request gets each
 * experiment's variant header set from the unit id, exactly as `decide` of `@lift/sdk` would.
 */
export function renderLuaSource(experiments: readonly EdgeExperiment[]): string {
  return [
    '-- Generated by lift-istio-sync: Lift bucketing spec v1 (MurmurHash3_x86_32, seed 0, bucket = hash % 10000).',
    LUA_LIBRARY.trim(),
    '',
    'LIFT_EXPERIMENTS = {',
    ...experiments.map(luaExperiment),
    '}',
    LUA_ENTRY.trimEnd(),
    '',
  ].join('\n');
}
