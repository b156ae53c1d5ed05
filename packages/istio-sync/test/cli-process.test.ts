import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The built entry as users run it (CI builds before it tests; run `pnpm build` first locally).
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const golden = (file: string) => fileURLToPath(new URL(`./golden/${file}`, import.meta.url));
const isBuilt = existsSync(cli);

function run(args: readonly string[], input = '') {
  const result = spawnSync(process.execPath, [cli, ...args], {
    input,
    encoding: 'utf8',
    cwd: '/',
    env: { ...process.env, LIFT_SCHEMAS_DIR: '' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe.skipIf(!isBuilt)('dist/cli.js as a process', () => {
  it('renders the talk example from any working directory, finding shared/schemas beside the repository', () => {
    const result = run(['render', '--from', golden('talk-ios-north-carolina.json')]);
    expect(result).toEqual({
      code: 0,
      stdout: readFileSync(golden('talk-ios-north-carolina.yaml'), 'utf8'),
      stderr: '',
    });
  });

  it('validates from stdin and exits 1 on webhook errors, 2 on usage errors', () => {
    expect(run(['validate', '-'], readFileSync(golden('merged-host.yaml'), 'utf8')).code).toBe(0);
    const bad = run(
      ['validate', '-'],
      'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: d}\nspec: {host: web, subsets: [{name: a}, {name: a}]}\n',
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('duplicate subset name "a"');
    expect(run(['nonsense']).code).toBe(2);
  });
});
