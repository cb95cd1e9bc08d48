// The name maps of ts-src (name lists read with nameAt(), codegen/SUBSET.md
// "Name lists") give the same text under Node and in the generated C for
// every input: decodeErrName, decodeErrNameAll (0..255), connackReason
// (0..255), reasonName (every packet type 0..15 x code 0..255) and
// decode5ErrName (0..255). The C is compiled from the current TypeScript
// (not gen/) with ASan/UBSan and -Werror; session.c is included whole so the
// test reaches connackReason, which is static in C.
import { test } from "node:test";
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DecodeErr, decodeErrName, decodeErrNameAll } from "../../ts-src/mqtt/packet";
import { reasonName, decode5ErrName } from "../../ts-src/mqtt/packet5";
import { connackReason } from "../../ts-src/mqtt/session";

function root(): string {
  let d = __dirname;
  while (!fs.existsSync(path.join(d, "package.json"))) d = path.dirname(d);
  return d;
}
const haveGcc = spawnSync("sh", ["-c", "command -v gcc"]).status === 0;

test("name maps: Node and C give the same text for every input", { skip: haveGcc ? false : "no gcc", timeout: 240_000 }, () => {
  const R = root();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "names-"));
  try {
    const cg = spawnSync(process.execPath, ["build/codegen/src/cli.js", "--out", tmp, "ts-src/mqtt/session.ts"], { cwd: R, encoding: "utf8" });
    assert.equal(cg.status, 0, `codegen failed:\n${cg.stderr}`);
    const node: string[] = [];
    for (let i = 0; i < 256; i++) {
      node.push(`E ${i} ${decodeErrName(i as DecodeErr)}`, `A ${i} ${decodeErrNameAll(i as DecodeErr)}`,
        `C ${i} ${connackReason(i)}`, `5 ${i} ${decode5ErrName(i)}`);
      for (let t = 0; t < 16; t++) node.push(`R ${t} ${i} ${reasonName(t, i)}`);
    }
    fs.writeFileSync(path.join(tmp, "names_main.c"), [
      "#include <stdio.h>",
      "#include \"session.c\"",
      "int main(void) {",
      "  for (unsigned i = 0; i < 256u; i++) {",
      "    printf(\"E %u %s\\n\", i, packet_decodeErrName((DecodeErr)i));",
      "    printf(\"A %u %s\\n\", i, packet_decodeErrNameAll((DecodeErr)i));",
      "    printf(\"C %u %s\\n\", i, session_connackReason((uint8_t)i));",
      "    printf(\"5 %u %s\\n\", i, packet5_decode5ErrName((uint8_t)i));",
      "    for (unsigned t = 0; t < 16u; t++) printf(\"R %u %u %s\\n\", t, i, packet5_reasonName((uint8_t)t, (uint8_t)i));",
      "  }",
      "  return 0;",
      "}",
      "",
    ].join("\n"));
    const exe = path.join(tmp, "names");
    const srcs = fs.readdirSync(tmp).filter((f) => f.endsWith(".c") && f !== "session.c").map((f) => path.join(tmp, f));
    const cc = spawnSync("gcc", ["-std=c99", "-Wall", "-Wextra", "-Wconversion", "-Wshadow", "-Werror", "-Wno-unused-function", "-O1", "-g",
      "-fsanitize=address,undefined", "-fno-sanitize-recover=all", `-I${tmp}`, ...srcs, "-o", exe], { cwd: R, encoding: "utf8" });
    assert.equal(cc.status, 0, `gcc failed:\n${cc.stderr}`);
    const r = spawnSync(exe, [], { encoding: "utf8", timeout: 60_000, env: { ...process.env, ASAN_OPTIONS: "detect_leaks=0" } });
    assert.equal(r.status, 0, r.stderr);
    const c = r.stdout.split("\n").filter((l) => l !== "");
    assert.equal(c.length, node.length);
    for (let k = 0; k < node.length; k++) assert.equal(c[k], node[k], `line ${k + 1}`);
    // The lists are in the C as name lists, not as switches of returns.
    const all = fs.readdirSync(tmp).filter((f) => f.endsWith(".c")).map((f) => fs.readFileSync(path.join(tmp, f), "utf8")).join("\n");
    for (const fn of ["packet_decodeErrName", "session_connackReason", "packet5_reasonName", "packet5_decode5ErrName"]) {
      const body = new RegExp(`^(?:static )?const char \\*${fn}\\([^)]*\\) \\{\\n([\\s\\S]*?)^\\}`, "m").exec(all);
      assert.ok(body, `${fn} not found`);
      assert.match(body[1], /rt_name_at\(/, `${fn} does not read a name list`);
      assert.doesNotMatch(body[1], /switch/, `${fn} is a switch`);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
