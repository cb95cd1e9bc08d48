// ESP-IDF's Kconfig format rules (esp-idf-kconfig's kconfcheck documents
// them; `idf.py` users run it on their components): 4-space indentation, one
// level per nesting (menu 0, its config 4, the config's attributes 8, help
// text 12); the option names of a menu share one prefix of 3 or more
// characters; names uppercase and at most 50 characters; lines under 120
// characters; no tabs, no trailing spaces; only Kconfig.* files sourced.
// Our own checker of those rules, over every Kconfig file we ship, the
// generated components/mgos_mqtt/Kconfig.config included.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT } from "../c/support/ctier";

const BLOCK_OPEN: Record<string, string> = { menu: "endmenu", mainmenu: "", choice: "endchoice", if: "endif" };
const BLOCK_CLOSE = new Set(["endmenu", "endchoice", "endif"]);
const ITEMS = new Set(["config", "menuconfig", "source", "rsource", "osource", "orsource", "comment"]);
const ATTRS = new Set(["bool", "tristate", "int", "hex", "string", "prompt", "default", "def_bool", "def_tristate",
  "def_int", "def_hex", "def_string", "depends", "select", "imply", "range", "help", "---help---", "visible", "option", "optional"]);

interface Block { kw: string; names: string[]; line: number }

/** The rule violations of one Kconfig file, as `file:line: message`. */
export function kconfigStyle(text: string, file: string): string[] {
  const out: string[] = [];
  const err = (n: number, msg: string) => out.push(`${file}:${n}: ${msg}`);
  // Open blocks (menu/choice/if); the file itself is the outermost.
  const blocks: Block[] = [{ kw: "file", names: [], line: 0 }];
  const depth = () => blocks.length - 1;
  // The level of attribute lines (bool, default, depends on, help): one
  // deeper than the item above them; a menu's or choice's own attributes are
  // at the level of its children. After `help`, text is deeper still until a
  // line comes back out.
  let attrLevel = 0;
  let helpIndent = -1;
  /** The names of a menu (or the file) must share a prefix; `if` and choice blocks add theirs to it. */
  const closeNames = (b: Block, n: number) => {
    if (b.kw === "if" || b.kw === "choice") {
      blocks[blocks.length - 1].names.push(...b.names);
      if (b.kw === "if") return;
    }
    if (b.names.length < 2) return;
    let p = b.names[0];
    for (const x of b.names) while (!x.startsWith(p)) p = p.slice(0, -1);
    if (p.length < 3) err(n, `the option names of the ${b.kw === "file" ? "file's top level" : `${b.kw} opened at line ${b.line}`} share no prefix of 3 or more characters: ${[...new Set(b.names.map((x) => x.replace(/_.*/, "_")))].join(", ")}...`);
  };
  text.split("\n").forEach((raw, i) => {
    const n = i + 1;
    if (/\t/.test(raw)) err(n, "a tab (indent with spaces)");
    if (/\s$/.test(raw)) err(n, "trailing whitespace");
    if (raw.length >= 120) err(n, `line of ${raw.length} characters (under 120)`);
    const line = raw.trim();
    if (line === "") return;
    const indent = raw.length - raw.trimStart().length;
    if (helpIndent >= 0) {
      if (indent >= helpIndent) return;
      helpIndent = -2; // just left the help text
    } else helpIndent = -1;
    if (line.startsWith("#")) return;
    const kw = line.split(/\s+/)[0];
    let want: number;
    if (BLOCK_CLOSE.has(kw)) {
      const b = blocks.pop();
      if (!b || b.kw === "file" || BLOCK_OPEN[b.kw] !== kw) {
        err(n, `${kw} without its opening`);
        if (b && b.kw === "file") blocks.push(b);
        return;
      }
      want = depth() * 4;
      attrLevel = depth();
      closeNames(b, n);
    } else if (kw in BLOCK_OPEN || ITEMS.has(kw)) {
      want = depth() * 4;
      const m = /^(?:config|menuconfig|choice)\s+(\S+)/.exec(line);
      if (m) {
        const name = m[1];
        if (!/^[A-Z0-9_]+$/.test(name)) err(n, `option name ${name} must be uppercase`);
        if (name.length > 50) err(n, `option name ${name} is ${name.length} characters (50 at most)`);
        blocks[blocks.length - 1].names.push(name);
      }
      const src = /^o?r?source\s+"([^"]*)"/.exec(line);
      if (src && !path.basename(src[1]).startsWith("Kconfig.")) err(n, `sources ${src[1]}: only Kconfig.* files may be sourced`);
      if (kw in BLOCK_OPEN) blocks.push({ kw, names: [], line: n });
      attrLevel = kw in BLOCK_OPEN ? depth() : depth() + 1;
    } else if (!ATTRS.has(kw)) {
      err(n, helpIndent === -2 ? `help text indented ${indent} spaces, expected ${attrLevel * 4 + 4} or more` : `unknown keyword ${kw}`);
      return;
    } else {
      want = attrLevel * 4;
      if (kw === "help" || kw === "---help---") helpIndent = want + 4;
    }
    if (indent !== want) err(n, `indented ${indent} spaces, expected ${want}: ${line}`);
  });
  while (blocks.length > 1) {
    const b = blocks.pop()!;
    err(b.line, `${b.kw} is not closed`);
  }
  closeNames(blocks[0], text.split("\n").length);
  return out;
}

const FILES = [
  "components/mgos_mqtt/Kconfig",
  "components/mgos_mqtt/Kconfig.config",
  "main/Kconfig.projbuild",
  "apps/support/Kconfig.projbuild",
];

test("the checker catches what kconfcheck reports", () => {
  const bad = [
    'menu "m"',
    "config ABC_ONE",          // 0 instead of 4
    "    bool \"one\"",        // 4 instead of 8
    "        help",
    "        too shallow",     // help text must be deeper than `help`
    "    config XYZ_TWO\t",
    "        int \"two\" ",
    "    config lower_case",
    "        bool",
    "endmenu",
  ].join("\n");
  const p = kconfigStyle(bad, "k").join("\n");
  assert.match(p, /k:2: indented 0 spaces, expected 4/);
  assert.match(p, /k:3: indented 4 spaces, expected 8/);
  assert.match(p, /k:5: help text indented 8 spaces, expected 12/);
  assert.match(kconfigStyle("# " + "x".repeat(118), "k").join(), /k:1: line of 120 characters/);
  assert.match(p, /k:6: a tab/);
  assert.match(p, /k:7: trailing whitespace/);
  assert.match(p, /option name lower_case must be uppercase/);
  assert.match(p, /k:10: the option names of the menu opened at line 1 share no prefix/);
  const good = [
    'menu "m"',
    "    config ABC_ONE",
    '        bool "one"',
    "        help",
    "            Text.",
    "",
    "            More text.",
    "    if ABC_ONE",
    "        config ABC_TWO",
    "            int",
    "    endif",
    '    choice ABC_MODE',
    '        prompt "mode"',
    "        config ABC_MODE_A",
    '            bool "a"',
    "    endchoice",
    '    rsource "Kconfig.more"',
    "endmenu",
  ].join("\n");
  assert.deepEqual(kconfigStyle(good, "k"), []);
});

for (const f of FILES) {
  test(`${f} follows ESP-IDF's Kconfig format rules`, () => {
    const problems = kconfigStyle(fs.readFileSync(path.join(ROOT, f), "utf8"), f);
    assert.deepEqual(problems, [], `${problems.length} problems:\n${problems.slice(0, 30).join("\n")}`);
  });
}
