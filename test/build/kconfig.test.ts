// components/mgos_mqtt/Kconfig restates capacities whose source of truth is a
// TypeScript constant tagged `@kconfig NAME` (the generated C falls back to
// that value when CONFIG_NAME is not set). A firmware built with ESP-IDF gets
// the Kconfig default, the host and the tests get the TypeScript value: this
// test keeps the two equal, and every Kconfig entry tied to a real constant.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT } from "../c/support/ctier";

interface Entry { name: string; type: string; def: string; line: number }

/** `config NAME` blocks of a Kconfig file: type and first unconditional default. */
function kconfigEntries(file: string): Entry[] {
  const out: Entry[] = [];
  let cur: Entry | null = null;
  fs.readFileSync(file, "utf8").split("\n").forEach((raw, i) => {
    const line = raw.trim();
    let m: RegExpExecArray | null;
    if ((m = /^(?:config|menuconfig)\s+(\w+)$/.exec(line))) {
      cur = { name: m[1], type: "", def: "", line: i + 1 };
      out.push(cur);
    } else if (/^(endmenu|menu|choice|endchoice|if|endif|source|rsource|osource|orsource)\b/.test(line)) {
      cur = null;
    } else if (cur && (m = /^(int|bool|string|hex)\b/.exec(line))) {
      cur.type = m[1];
    } else if (cur && !cur.def && (m = /^default\s+(.+?)\s*$/.exec(line)) && !/\sif\s/.test(m[1])) {
      cur.def = m[1];
    }
  });
  return out;
}

/** `@kconfig NAME` -> the value of the constant the tag documents. */
function taggedConstants(dir: string): Map<string, { value: string; where: string }> {
  const found = new Map<string, { value: string; where: string }>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".ts")) {
        const text = fs.readFileSync(p, "utf8");
        // The tag's comment, then the declaration it documents.
        const re = /@kconfig\s+(\w+)[\s\S]*?\*\/\s*(?:export\s+)?const\s+\w+\s*:\s*\w+\s*=\s*([^;]+);/g;
        let m: RegExpExecArray | null;
        while ((m = re.exec(text))) {
          const line = text.slice(0, m.index).split("\n").length;
          found.set(m[1], { value: m[2].trim(), where: `${path.relative(ROOT, p)}:${line}` });
        }
      }
    }
  };
  walk(dir);
  return found;
}

/** Settings of the hand-written port: `#ifndef CONFIG_NAME` / `#define CONFIG_NAME value` in port/*.c. */
function portFallbacks(dir: string): Map<string, { value: string; where: string }> {
  const found = new Map<string, { value: string; where: string }>();
  for (const name of fs.readdirSync(dir).filter((n) => n.endsWith(".c"))) {
    const text = fs.readFileSync(path.join(dir, name), "utf8");
    const re = /^#define\s+CONFIG_(\w+)\s+(\S+)\s*$/gm;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text))) {
      const line = text.slice(0, m.index).split("\n").length;
      found.set(m[1], { value: m[2], where: `components/mgos_mqtt/port/${name}:${line}` });
    }
  }
  return found;
}

test("Kconfig capacity defaults equal their @kconfig TypeScript constants (or the port's fallbacks)", () => {
  const kconfig = path.join(ROOT, "components", "mgos_mqtt", "Kconfig");
  const entries = kconfigEntries(kconfig).filter((e) => e.type === "int");
  assert.ok(entries.length > 0, "no int entries in components/mgos_mqtt/Kconfig");
  const consts = taggedConstants(path.join(ROOT, "ts-src"));
  // Task settings live in the ESP-IDF port, not in the TypeScript.
  for (const [k, v] of portFallbacks(path.join(ROOT, "components", "mgos_mqtt", "port"))) if (!consts.has(k)) consts.set(k, v);
  const problems: string[] = [];
  for (const e of entries) {
    const c = consts.get(e.name);
    if (!c) problems.push(`Kconfig:${e.line}: ${e.name} has no \`@kconfig ${e.name}\` constant in ts-src/ nor a CONFIG_ fallback in port/`);
    else if (!/^-?\d+$/.test(c.value)) problems.push(`${c.where}: ${e.name} = ${c.value} is not an integer literal`);
    else if (Number(c.value) !== Number(e.def)) {
      problems.push(`Kconfig:${e.line}: ${e.name} default ${e.def}, but ${c.where} says ${c.value}`);
    }
  }
  assert.deepEqual(problems, []);
});
