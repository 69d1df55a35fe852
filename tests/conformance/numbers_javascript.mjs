// JsonLogic number literals read as JavaScript reads them (issue 12.2): a rule that is an array of
// literals evaluates to itself, so `undertake eval @rule.json` prints each literal as the engine
// read it (JavaScript's Number.prototype.toString form). Each must be the number JSON.parse reads
// from the same characters. The literals: the two of issue 12 that Boost.JSON 1.81 misread, every
// quoted margin (price − cost) / price of the sweep written with 17 significant digits, random
// decimals of 15 to 17 digits at every magnitude (subnormals included), random doubles.
//
//   node tests/conformance/numbers_javascript.mjs build/release/src/cli/undertake
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cli = process.argv[2];
if (!cli) {
  console.error('usage: node numbers_javascript.mjs UNDERTAKE_CLI');
  process.exit(2);
}

let state = 20260812;  // xorshift32: the same literals every run
function random() {
  state ^= state << 13;
  state >>>= 0;
  state ^= state >>> 17;
  state ^= state << 5;
  state >>>= 0;
  return state;
}
const digit = () => String(random() % 10);

const literals = ['975000.1000000001', '0.19937800621993781', '-0.0', '5e-324', '1e-400',
                  '1.7976931348623157e308', '2.2250738585072011e-308', '9007199254740993.0'];
for (let price = 100000; price <= 101000; price += 2)
  for (let cost = 80000; cost <= 80100; cost += 2)
    literals.push(((price - cost) / price).toPrecision(17));
const bits = new DataView(new ArrayBuffer(8));
while (literals.length < 100000) {
  if (random() % 2) {
    const digits = 15 + (random() % 3);
    let text = (random() % 2 ? '-' : '') + String(1 + (random() % 9)) + '.';
    for (let i = 1; i < digits; ++i) text += digit();
    literals.push(text + 'e' + String((random() % 630) - 323));
  } else {
    bits.setUint32(0, random());
    bits.setUint32(4, random());
    const d = bits.getFloat64(0);
    if (Number.isFinite(d)) literals.push(random() % 2 ? d.toPrecision(17) : String(d));
  }
}

const dir = mkdtempSync(join(tmpdir(), 'undertake-js-numbers-'));
let output;
try {
  const rule = join(dir, 'rule.json');
  writeFileSync(rule, '[' + literals.join(',') + ']');
  output = execFileSync(cli, ['eval', '@' + rule], { encoding: 'utf8', maxBuffer: 1 << 26 });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const read = JSON.parse(output);
let wrong = 0;
for (let i = 0; i < literals.length; ++i) {
  const want = JSON.parse(literals[i]);
  // The engine prints -0 as JavaScript's String(-0) does: "0".
  if (read[i] === want || (read[i] === 0 && want === 0)) continue;
  if (++wrong <= 10) console.log(`${literals[i]}: JavaScript reads ${want}, the engine ${read[i]}`);
}
console.log(`${literals.length - wrong} of ${literals.length} literals read as JavaScript reads them`);
process.exit(wrong === 0 && read.length === literals.length ? 0 : 1);
