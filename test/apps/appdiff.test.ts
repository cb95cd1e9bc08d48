// Differential tests: each program of test/apps/diff/ (appdiff.ts: the app API's
// JSON and Text code; apporder.ts: evaluation order of nested chains and calls)
// runs under Node and, compiled to C (gcc -Werror, ASan/UBSan), on the host;
// the two outputs must be byte for byte the same.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { compile } from "../../codegen/src/index";
import { setPrintSink } from "../../ts-src/rt/rt";
import * as appdiff from "./diff/appdiff";
import * as apporder from "./diff/apporder";
import { installAppPort } from "../../apps/run-node";

const ROOT = path.resolve(__dirname, "../../..");
const haveGcc = spawnSync("sh", ["-c", "command -v gcc"], { stdio: "ignore" }).status === 0;

function differential(name: string, main: () => void, what: string): void {
  test(`${what}: C output equals Node output`, { skip: haveGcc ? false : "gcc missing (apt-get install gcc)", timeout: 180_000 }, (t) => {
    let node = "";
    setPrintSink((s) => { node += s; });
    try {
      // The app log's lines, in the host's format, in the same stream.
      installAppPort((b) => { node += b.toString("utf8"); });
      main();
    } finally {
      setPrintSink((s) => { process.stdout.write(s); });
    }
    const r = compile({ inputs: [path.join(ROOT, `test/apps/diff/${name}.ts`)], root: ROOT });
    assert.deepEqual(r.diagnostics.map((d) => d.text), []);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
    try {
      for (const [n, text] of r.files) fs.writeFileSync(path.join(dir, n), text);
      fs.writeFileSync(path.join(dir, "run.c"), `#include "${name}.h"\nint main(void) {\n  ${name}_main();\n  return 0;\n}\n`);
      const srcs = [...r.files.keys()].filter((f) => f.endsWith(".c")).map((f) => path.join(dir, f));
      const exe = path.join(dir, name);
      const cc = spawnSync("gcc", ["-std=c99", "-Wall", "-Wextra", "-Wconversion", "-Wshadow", "-Werror", "-g", "-fsanitize=address,undefined",
        "-fno-sanitize-recover=all", `-I${dir}`, ...srcs, path.join(dir, "run.c"), path.join(ROOT, "apps/support/app_port.c"), "-o", exe],
      { encoding: "utf8", timeout: 120_000 });
      assert.equal(cc.status, 0, cc.stderr);
      const run = spawnSync(exe, [], { encoding: "utf8", timeout: 20_000 });
      assert.equal(run.status, 0, run.stderr);
      t.diagnostic(`${node.split("\n").length - 1} lines`);
      assert.equal(run.stdout, node);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}

differential("appdiff", appdiff.main, "app JSON and Text");
differential("apporder", apporder.main, "evaluation order of nested method chains, calls in arguments and imported constants");
