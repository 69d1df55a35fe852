'use strict';
// CTest node_types: lib/index.d.ts against the module (`node test/check-types.js TSC`).
//  1. every runtime export of require('undertake') is declared in index.d.ts, and every value
//     declared there is exported: tsc compiles a file that fails on either difference;
//  2. test/types/usage.ts, a typed host, compiles against the declarations (found through
//     package.json "types"), and what it must not write (@ts-expect-error) does not.
// Prints "N passed, N failed".
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const tsc = process.argv[2] || 'tsc';
const root = path.join(__dirname, '..');
const runtime = Object.keys(require(root)).sort();

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'undertake-types-'));
let passed = 0;
let failed = 0;
try {
  const union = runtime.map((k) => `'${k}'`).join(' | ');
  fs.writeFileSync(
    path.join(dir, 'exports.ts'),
    `import * as ut from 'undertake';
type Runtime = ${union};
type Declared = keyof typeof ut;
type Undeclared = Exclude<Runtime, Declared>;
type NotExported = Exclude<Declared, Runtime>;
// An error here names what differs: exported but not declared, or declared but not exported.
export const undeclared: [Undeclared] extends [never] ? true : Undeclared = true;
export const notExported: [NotExported] extends [never] ? true : NotExported = true;
`,
  );
  fs.copyFileSync(path.join(__dirname, 'types', 'usage.ts'), path.join(dir, 'usage.ts'));
  fs.writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        target: 'es2020',
        module: 'commonjs',
        moduleResolution: 'node',
        types: [],
        baseUrl: '.',
        paths: { undertake: [root] },
      },
      files: ['exports.ts', 'usage.ts'],
    }),
  );
  const r = spawnSync(tsc, ['--project', path.join(dir, 'tsconfig.json')], { encoding: 'utf8' });
  if (r.error) throw r.error;
  if (r.status === 0) {
    passed += 1;
    console.log(`ok: index.d.ts declares the ${runtime.length} exports, usage.ts type-checks`);
  } else {
    failed += 1;
    console.log(`FAILED: tsc over exports.ts and usage.ts\n${r.stdout}${r.stderr}`);
  }
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  if (pkg.types === 'lib/index.d.ts' && fs.existsSync(path.join(root, pkg.types))) {
    passed += 1;
    console.log('ok: package.json "types" names lib/index.d.ts');
  } else {
    failed += 1;
    console.log(`FAILED: package.json "types" is ${JSON.stringify(pkg.types)}`);
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
console.log(`node_types: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
