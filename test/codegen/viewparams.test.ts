// Byte-view parameters split into pointer and length (codegen/src/types.ts
// splitWrapper()), read in the golden C of programs/viewparams.ts, which
// programs.test.ts keeps equal to the compiler's output and runs under Node and
// as C (ASan, UBSan):
//   - no function of ours is defined with an `rt_bytes` parameter but the
//     always-inlined wrappers, each of which calls its `_v` function with the
//     views' halves, and the one its module uses as a value (a ViewSink, whose
//     C type takes the view whole); every `_v` function has its wrapper;
//   - the client's externs (gen/*.h) are split the same way;
//   - compiled for Cortex-M3 (-Os), no wrapper is left out of line, and no
//     `_v` function (rt.h's copyBytes and bytesEqual too) stores a view's
//     registers in its prologue (what GCC does with an rt_bytes parameter:
//     the bytes the rule saves).
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { GOLDEN_DIR, ROOT, which, run } from "./support";

const arm = which("arm-none-eabi-gcc");

function golden(): { c: string; h: string } {
  return { c: fs.readFileSync(path.join(GOLDEN_DIR, "viewparams.c"), "utf8"), h: fs.readFileSync(path.join(GOLDEN_DIR, "viewparams.h"), "utf8") };
}

test("viewparams: views are passed as pointer and length, through an inline wrapper", () => {
  const { c, h } = golden();
  const both = `${h}\n${c}`;
  const defs = [...c.matchAll(/^(?:static )?[^\s#/*][^(]* \**(\w+)\(([^)]*)\) \{$/gm)].map((m) => ({ name: m[1], params: m[2] }));
  assert.ok(defs.length >= 15, `expected the program's functions, found ${defs.length}`);
  const whole = defs.filter((d) => /\brt_bytes \w+/.test(d.params)).map((d) => d.name);
  assert.deepEqual(whole, ["viewparams_count"], "functions taking a view whole (only the one used as a value may)");
  const wrappers = new Map([...both.matchAll(/^static RT_INLINE [^(]* \**(\w+)\(([^)]*)\) \{ (?:return )?(\w+)\(([^)]*)\); \}$/gm)]
    .map((m) => [m[1], { params: m[2], callee: m[3], args: m[4] }]));
  const split = defs.filter((d) => d.name.endsWith("_v"));
  assert.ok(split.length >= 12, `expected the split functions, found ${split.length}`);
  for (const d of split) {
    const w = wrappers.get(d.name.slice(0, -2));
    assert.ok(w, `${d.name} has no wrapper`);
    assert.equal(w.callee, d.name);
    // Each view parameter `x` of the wrapper is passed as x.p, x.len.
    for (const v of w.params.matchAll(/\brt_bytes (\w+)/g)) assert.ok(w.args.includes(`${v[1]}.p, ${v[1]}.len`), `${d.name}: ${v[1]} is not split`);
    assert.ok(/\brt_bytes \w+/.test(w.params), `${d.name}: the wrapper takes no view`);
  }
  // The exported one's wrapper is in the header, for other modules and hand-written C.
  assert.ok(/^static RT_INLINE uint8_t viewparams_firstOf\(rt_bytes b, uint8_t dflt\)/m.test(h));
  assert.ok(/^static RT_INLINE uint8_t viewparams_lastOf\(rt_bytes b\)/m.test(h), "a @cextern function is split too");
});

test("viewparams: the client's externs (port_log, port_net_send, ...) take views as pointer and length", () => {
  // Hand-written port C defines f_v(uint8_t *p, uint32_t len); generated calls go
  // through the header's inline f(rt_bytes), so no call builds a view in memory.
  const dir = path.join(ROOT, "components/mgos_mqtt/gen");
  const externs: string[] = [];
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith(".h"))) {
    for (const m of fs.readFileSync(path.join(dir, f), "utf8").matchAll(/^extern [^(;]*?(\w+)\(([^)]*)\);$/gm)) {
      externs.push(m[1]);
      assert.ok(!/\brt_bytes \w+/.test(m[2]), `${f}: extern ${m[1]} takes a view whole`);
    }
  }
  for (const f of ["port_log_v", "port_net_send_v", "port_net_connect_v", "port_random_fill_v"]) assert.ok(externs.includes(f), `${f} missing: ${externs.join(" ")}`);
});

test("viewparams: Cortex-M3 keeps no wrapper out of line and no split view on the stack", { skip: arm ? false : "no arm-none-eabi-gcc" }, async () => {
  const { c, h } = golden();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "codegen-viewparams-"));
  try {
    fs.writeFileSync(path.join(dir, "viewparams.c"), c);
    fs.writeFileSync(path.join(dir, "viewparams.h"), h);
    fs.copyFileSync(path.join(ROOT, "codegen/runtime/rt.h"), path.join(dir, "rt.h"));
    const obj = path.join(dir, "viewparams.o");
    const r = await run(arm!, ["-std=c99", "-mcpu=cortex-m3", "-mthumb", "-Os", "-ffunction-sections", "-fno-inline", "-Wall", "-Wextra", "-Werror",
      "-I", dir, "-c", "viewparams.c", "-o", obj], { cwd: dir, timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stderr);
    const nm = await run("arm-none-eabi-nm", [obj], { timeoutMs: 30_000 });
    // (GCC's clones, `f.constprop.0`, count as f)
    const syms = new Set([...nm.stdout.matchAll(/ [tT] (\w+)(\.\S+)?$/gm)].map((m) => m[1]));
    // -fno-inline keeps the _v functions apart; always_inline still inlines the wrappers.
    // rt.h's bytesEqual, which GCC may keep out of line, is split the same way;
    // copyBytes, split too, is defined once in rt.c for -Os (rtshared.test.ts): called here.
    for (const f of ["viewparams_skip_v", "VBuf_put_v", "rt_bytes_equal_v"]) assert.ok(syms.has(f), `${f} missing:\n${nm.stdout}`);
    assert.match(nm.stdout, / U rt_copy_(bytes|into)_out$/m, "copyBytes is not called as rt.c's rt_copy_bytes_out or rt_copy_into_out");
    const outOfLine = [...syms].filter((s) => syms.has(`${s}_v`));
    assert.deepEqual(outOfLine, [], "wrappers left out of line");
    const dis = await run("arm-none-eabi-objdump", ["-d", obj], { timeoutMs: 30_000 });
    for (const fn of dis.stdout.split(/\n(?=[0-9a-f]+ <)/)) {
      const name = /^[0-9a-f]+ <(\w+)[.>]/.exec(fn)?.[1];
      if (!name?.endsWith("_v")) continue;
      // GCC's store of an aggregate parameter: the argument registers to the stack.
      const head = fn.split("\n").slice(1, 10).join("\n");
      assert.ok(!/\bstm(ia|db)(\.w)?\s+\w+, \{r[0-3], r[0-3]\}/.test(head), `${name} stores its view to the stack:\n${head}`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
