// The config schema generator: reads the class `mgos_config_mqtt` in
// ts-src/config/config_schema.ts (the single declaration of the mqtt / mqtt1
// keys) and writes
//   ts-src/config/config_gen.ts        key table, typed setters/getters, defaults as @kconfig constants
//   ts-src/config/config_sys.ts        the Mongoose OS `mgos_sys_config_get_*` getters (@api)
//   components/mgos_mqtt/Kconfig.config  ESP-IDF menu entries for the defaults
// The generated TypeScript is in the subset (codegen/SUBSET.md) and is compiled
// to C with everything else, so this tool must run before the compiler.
//
// Usage: node build/codegen/src/config/gen.js [--root DIR] [--check] [--sdkconfig]
//   --check      write nothing; exit 1 listing the files that are out of date
//   --sdkconfig  print sdkconfig.defaults lines for every default and exit

import * as fs from "fs";
import * as path from "path";
import { Project, Node, SyntaxKind, ClassDeclaration, VariableDeclaration } from "ts-morph";

export const SCHEMA_FILE = "ts-src/config/config_schema.ts";
/** The hand-written loader whose `@kconfig` capacities also go into Kconfig.config. */
export const LOADER_FILE = "ts-src/config/config.ts";
export const OUT_GEN = "ts-src/config/config_gen.ts";
export const OUT_SYS = "ts-src/config/config_sys.ts";
export const OUT_KCONFIG = "components/mgos_mqtt/Kconfig.config";
const CLASS_NAME = "mgos_config_mqtt";
/** The sections, in index order, with their Kconfig prefix and menu title. */
export const SECTIONS: { name: string; prefix: string; title: string }[] = [
  { name: "mqtt", prefix: "MGOS_MQTT_", title: "mqtt: the MQTT server" },
  { name: "mqtt1", prefix: "MGOS_MQTT1_", title: "mqtt1: the backup MQTT server" },
];
const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

export type Kind = "bool" | "int" | "f64" | "string";
export interface Key {
  name: string;
  kind: Kind;
  doc: string;
  /** The default: boolean, number (f64 in seconds) or string. */
  def: boolean | number | string;
  /** Range as written in the JSDoc (numbers only). */
  minText: string;
  maxText: string;
  min: number;
  max: number;
  /** Index among the string keys, -1 for other kinds. */
  strSlot: number;
}
/** A `@kconfig` capacity constant of the loader. */
export interface Capacity { kname: string; value: number; doc: string; min: number; max: number; }

export class SchemaError extends Error {}

function where(n: Node): string {
  const sf = n.getSourceFile();
  const { line, column } = sf.getLineAndColumnAtPos(n.getStart());
  return `${SCHEMA_FILE}:${line}:${column}`;
}

function tagsOf(n: Node & { getJsDocs(): import("ts-morph").JSDoc[] }): { doc: string; tags: Map<string, string> } {
  const docs = n.getJsDocs();
  const tags = new Map<string, string>();
  let doc = "";
  for (const d of docs) {
    doc += d.getDescription().trim().replace(/\s+/g, " ");
    for (const t of d.getTags()) tags.set(t.getTagName(), (t.getCommentText() ?? "").trim());
  }
  return { doc, tags };
}

const NUM_RE = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/;

/** Reads the schema class; throws SchemaError naming file:line:col on anything it cannot use. */
export function readSchema(root: string): { keys: Key[]; caps: Capacity[] } {
  const project = new Project({ useInMemoryFileSystem: false, skipAddingFilesFromTsConfig: true });
  const sf = project.addSourceFileAtPath(path.join(root, SCHEMA_FILE));
  const cls: ClassDeclaration | undefined = sf.getClass(CLASS_NAME);
  if (!cls) throw new SchemaError(`${SCHEMA_FILE}: class ${CLASS_NAME} not found`);
  const keys: Key[] = [];
  let strSlot = 0;
  for (const m of cls.getMembers()) {
    if (!Node.isPropertyDeclaration(m)) throw new SchemaError(`${where(m)}: only fields are allowed in ${CLASS_NAME}`);
    const name = m.getName();
    if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new SchemaError(`${where(m)}: key name ${name} must be lower_snake_case`);
    const typeText = m.getTypeNode()?.getText();
    const kind: Kind | undefined =
      typeText === "bool" || typeText === "boolean" ? "bool" :
      typeText === "int" ? "int" : typeText === "f64" ? "f64" : typeText === "string | null" ? "string" : undefined;
    // Strings are NULL when not set, as in Mongoose OS (`if (cfg->x == NULL)`).
    if (typeText === "string") throw new SchemaError(`${where(m)}: ${name}: declare strings as \`string | null\` (NULL = not set, as Mongoose OS)`);
    if (!kind) throw new SchemaError(`${where(m)}: ${name}: type must be bool, int, f64 or string | null, not ${typeText ?? "(none)"}`);
    const { doc, tags } = tagsOf(m);
    if (doc === "") throw new SchemaError(`${where(m)}: ${name}: needs a JSDoc description`);
    const init = m.getInitializer();
    if (!init) throw new SchemaError(`${where(m)}: ${name}: needs a literal default`);
    let def: boolean | number | string;
    if (kind === "bool") {
      if (init.getKind() === SyntaxKind.TrueKeyword) def = true;
      else if (init.getKind() === SyntaxKind.FalseKeyword) def = false;
      else throw new SchemaError(`${where(init)}: ${name}: default must be true or false`);
    } else if (kind === "string") {
      if (init.getKind() === SyntaxKind.NullKeyword) def = "";
      else if (!Node.isStringLiteral(init) && !Node.isNoSubstitutionTemplateLiteral(init))
        throw new SchemaError(`${where(init)}: ${name}: default must be null or a string literal`);
      else def = init.getLiteralValue();
      if (def === "" && init.getKind() !== SyntaxKind.NullKeyword) throw new SchemaError(`${where(init)}: ${name}: write null for "not set", not ""`);
      if (def.includes("\0")) throw new SchemaError(`${where(init)}: ${name}: default must not contain NUL`);
    } else {
      const t = init.getText();
      if (!NUM_RE.test(t)) throw new SchemaError(`${where(init)}: ${name}: default must be a number literal`);
      def = Number(t);
    }
    let minText = "", maxText = "", min = 0, max = 0;
    if (kind === "int" || kind === "f64") {
      const mn = tags.get("min"), mx = tags.get("max");
      if (mn === undefined) throw new SchemaError(`${where(m)}: ${name}: needs a @min tag`);
      if (mx === undefined && kind === "f64") throw new SchemaError(`${where(m)}: ${name}: needs a @max tag`);
      minText = mn; maxText = mx ?? String(INT_MAX);
      for (const [tag, txt] of [["@min", minText], ["@max", maxText]]) {
        if (!NUM_RE.test(txt)) throw new SchemaError(`${where(m)}: ${name}: ${tag} must be a number, not "${txt}"`);
        if (kind === "int" && txt.includes(".")) throw new SchemaError(`${where(m)}: ${name}: ${tag} must be an integer`);
      }
      min = Number(minText); max = Number(maxText);
      if (kind === "int" && (min < INT_MIN || max > INT_MAX)) throw new SchemaError(`${where(m)}: ${name}: range must fit a 32-bit int`);
      if (min > max) throw new SchemaError(`${where(m)}: ${name}: @min ${minText} is above @max ${maxText}`);
      const d = def as number;
      if (d < min || d > max) throw new SchemaError(`${where(m)}: ${name}: default ${d} is out of range ${minText}..${maxText}`);
      if (kind === "int" && !Number.isInteger(d)) throw new SchemaError(`${where(m)}: ${name}: default must be an integer`);
      if (kind === "f64") {
        // Kconfig carries seconds as whole milliseconds in an int.
        for (const [what, v] of [["default", d], ["@min", min], ["@max", max]] as [string, number][]) {
          const ms = Math.round(v * 1000);
          if (Math.abs(ms - v * 1000) > 1e-6 || ms > INT_MAX) throw new SchemaError(`${where(m)}: ${name}: ${what} ${v} s is not a whole number of milliseconds below 2^31`);
        }
      }
    }
    keys.push({ name, kind, doc, def, minText, maxText, min, max, strSlot: kind === "string" ? strSlot++ : -1 });
  }
  if (keys.length === 0) throw new SchemaError(`${SCHEMA_FILE}: ${CLASS_NAME} has no fields`);

  // The loader's capacities: `/** doc @kconfig NAME @min A @max B */ export const X: i32 = N;`
  const caps: Capacity[] = [];
  const loaderPath = path.join(root, LOADER_FILE);
  if (fs.existsSync(loaderPath)) {
    const lf = project.addSourceFileAtPath(loaderPath);
    for (const vs of lf.getVariableStatements()) {
      const { doc, tags } = tagsOf(vs);
      const kname = tags.get("kconfig");
      if (kname === undefined) continue;
      const decl: VariableDeclaration = vs.getDeclarations()[0];
      const value = Number(decl.getInitializer()?.getText());
      const loc = `${LOADER_FILE}:${vs.getStartLineNumber()}`;
      if (!Number.isInteger(value)) throw new SchemaError(`${loc}: @kconfig ${kname} needs an integer literal initializer`);
      const min = Number(tags.get("min") ?? "0"), max = Number(tags.get("max") ?? String(INT_MAX));
      if (!Number.isInteger(min) || !Number.isInteger(max)) throw new SchemaError(`${loc}: @kconfig ${kname}: @min/@max must be integers`);
      caps.push({ kname, value, doc, min, max });
    }
  }
  return { keys, caps };
}

const BANNER_TS = "// Generated by codegen/src/config/gen.ts from ts-src/config/config_schema.ts; do not edit.\n";

function tsStr(s: string): string { return JSON.stringify(s); }
function kname(sec: number, k: Key): string {
  const base = SECTIONS[sec].prefix + k.name.toUpperCase();
  return k.kind === "bool" ? base + "_VALUE" : k.kind === "f64" ? base + "_MS" : base;
}
function kindEnum(k: Key): string {
  return { bool: "config_kind.BOOL", int: "config_kind.INT", f64: "config_kind.F64", string: "config_kind.STRING" }[k.kind];
}
const TS_TYPE: Record<Kind, string> = { bool: "bool", int: "int", f64: "f64", string: "string | null" };

/** A switch over key indices; `body(k)` is the statement(s) for key k (null: no case). */
function keySwitch(keys: Key[], ind: string, body: (k: Key, i: number) => string | null, dflt: string): string {
  let s = `${ind}switch (k) {\n`;
  keys.forEach((k, i) => {
    const b = body(k, i);
    if (b !== null) s += `${ind}  case ${i}: ${b}\n`;
  });
  s += `${ind}  default: ${dflt}\n${ind}}\n`;
  return s;
}

export function genConfigGen(keys: Key[]): string {
  const strCount = keys.filter((k) => k.kind === "string").length;
  let s = BANNER_TS;
  s += `//
// The key table of the mqtt / mqtt1 sections and the defaults. Keys are
// addressed by index (0..KEY_COUNT-1, in schema order); sections by index
// (0 mqtt, 1 mqtt1). The loader (config.ts) parses values and calls the typed
// setters here; the defaults are @kconfig constants so that ESP-IDF's Kconfig
// (components/mgos_mqtt/Kconfig.config) can override them. Kconfig has no
// floats and a bool set to n is not defined at all in sdkconfig.h, so doubles
// are carried in whole milliseconds (<KEY>_MS) and bools as 0/1 ints
// (<KEY>_VALUE, derived from the visible bool entry).

import { bool, int, f64, i32, Bytes, lit, bytesEqual, strBytes } from "../rt/rt";
import { mgos_config_mqtt } from "./config_schema";

/** What a key holds. */
export enum config_kind { BOOL = 1, INT = 2, F64 = 3, STRING = 4 }

/** Keys per section. */
export const KEY_COUNT: i32 = ${keys.length};
/** String keys per section. */
export const STR_KEY_COUNT: i32 = ${strCount};
/** Sections: mqtt and mqtt1. */
export const SECTION_COUNT: i32 = ${SECTIONS.length};
/** String keys of all sections. */
export const STR_SLOT_COUNT: i32 = ${SECTIONS.length * strCount};

`;
  SECTIONS.forEach((sec, si) => {
    s += `// ---- defaults of the ${sec.name} section ----\n`;
    for (const k of keys) {
      const kn = kname(si, k);
      const v = k.kind === "bool" ? (k.def ? "1" : "0") : k.kind === "f64" ? String(Math.round((k.def as number) * 1000)) :
        k.kind === "int" ? String(k.def) : tsStr(k.def as string);
      const ty = k.kind === "string" ? "string" : "i32";
      s += `/** ${sec.name}.${k.name} default${k.kind === "bool" ? " (0 or 1)" : k.kind === "f64" ? " in milliseconds" : ""} @kconfig ${kn} */\n`;
      s += `export const ${kn}: ${ty} = ${v};\n`;
    }
    s += "\n";
  });

  s += `/** Seconds from a whole number of milliseconds. */
function ms_to_s(ms: i32): f64 {
  const x: f64 = ms;
  return x / 1000;
}

/** A string default: "" (Kconfig's "not set") is NULL, as in Mongoose OS. */
function not_empty(v: string): string | null {
  return strBytes(v).length > 0 ? v : null;
}

/** Sets every key of section \`s\` to its default. */
export function set_defaults(c: mgos_config_mqtt, s: i32): void {
`;
  SECTIONS.forEach((sec, si) => {
    s += si === 0 ? `  if (s === 0) {\n` : `  } else {\n`;
    for (const k of keys) {
      const kn = kname(si, k);
      const rhs = k.kind === "bool" ? `${kn} !== 0` : k.kind === "f64" ? `ms_to_s(${kn})` : k.kind === "string" ? `not_empty(${kn})` : kn;
      s += `    c.${k.name} = ${rhs};\n`;
    }
  });
  s += `  }\n}\n\n`;

  s += `/** The section index of \`name\`, or -1. */
export function section_find(name: Bytes): i32 {
${SECTIONS.map((sec, i) => `  if (bytesEqual(name, lit(${tsStr(sec.name)}))) return ${i};\n`).join("")}  return -1;
}

/** The name of section \`s\`. */
export function section_name(s: i32): string {
  switch (s) {
${SECTIONS.map((sec, i) => i < SECTIONS.length - 1 ? `    case ${i}: return ${tsStr(sec.name)};\n` : `    default: return ${tsStr(sec.name)};\n`).join("")}  }
}

/** The key index of \`name\`, or -1. */
export function key_find(name: Bytes): i32 {
${keys.map((k, i) => `  if (bytesEqual(name, lit(${tsStr(k.name)}))) return ${i};\n`).join("")}  return -1;
}

/** The name of key \`k\` ("" when out of range). */
export function key_name(k: i32): string {
${keySwitch(keys, "  ", (k) => `return ${tsStr(k.name)};`, `return "";`)}}

/** The kind of key \`k\` (BOOL when out of range). */
export function key_kind(k: i32): config_kind {
${keySwitch(keys, "  ", (k) => k.kind === "bool" ? null : `return ${kindEnum(k)};`, "return config_kind.BOOL;")}}

/** Smallest value of numeric key \`k\`. */
export function key_min(k: i32): f64 {
${keySwitch(keys, "  ", (k) => k.kind === "int" || k.kind === "f64" ? `return ${k.minText};` : null, "return 0;")}}

/** Largest value of numeric key \`k\`. */
export function key_max(k: i32): f64 {
${keySwitch(keys, "  ", (k) => k.kind === "int" || k.kind === "f64" ? `return ${k.maxText};` : null, "return 0;")}}

/** The range of numeric key \`k\` as written in the schema, for messages. */
export function key_range(k: i32): string {
${keySwitch(keys, "  ", (k) => k.kind === "int" || k.kind === "f64" ? `return ${tsStr(k.minText + ".." + k.maxText)};` : null, `return "";`)}}

/** The slot of string key \`k\` among the string keys (0..STR_KEY_COUNT-1), or -1. */
export function key_str_slot(k: i32): i32 {
${keySwitch(keys, "  ", (k) => k.kind === "string" ? `return ${k.strSlot};` : null, "return -1;")}}

/** The key index of string slot \`slot\`, or -1. */
export function str_slot_key(slot: i32): i32 {
  switch (slot) {
${keys.map((k, i) => k.kind === "string" ? `    case ${k.strSlot}: return ${i};\n` : "").join("")}    default: return -1;
  }
}
`;
  for (const kind of ["bool", "int", "f64", "string"] as Kind[]) {
    const ty = TS_TYPE[kind];
    const fname = kind === "string" ? "str" : kind;
    s += `
/** Sets ${kind} key \`k\` of \`c\` (other keys: no effect). */
export function set_${fname}(c: mgos_config_mqtt, k: i32, v: ${ty}): void {
${keySwitch(keys, "  ", (k) => k.kind === kind ? `c.${k.name} = v; break;` : null, "break;")}}

/** The value of ${kind} key \`k\` of \`c\`. */
export function get_${fname}(c: mgos_config_mqtt, k: i32): ${ty} {
${keySwitch(keys, "  ", (k) => k.kind === kind ? `return c.${k.name};` : null, kind === "bool" ? "return false;" : kind === "string" ? "return null;" : "return 0;")}}
`;
  }
  return s;
}

export function genConfigSys(keys: Key[]): string {
  let s = BANNER_TS;
  s += `//
// The Mongoose OS accessors of the mqtt / mqtt1 configuration: the same names
// and types as the firmware's generated mgos_sys_config.h. They read the live
// configuration (config.ts); string pointers stay valid until the next
// successful load or --set.

import { bool, int, f64 } from "../rt/rt";
import { mgos_config_mqtt } from "./config_schema";
import { live } from "./config";
`;
  SECTIONS.forEach((sec) => {
    s += `
/** The whole ${sec.name} section. @api */
export function mgos_sys_config_get_${sec.name}(): mgos_config_mqtt {
  return live().${sec.name};
}
`;
    for (const k of keys) {
      s += `
/** ${sec.name}.${k.name}: ${k.doc} @api */
export function mgos_sys_config_get_${sec.name}_${k.name}(): ${TS_TYPE[k.kind]} {
  return live().${sec.name}.${k.name};
}
`;
    }
  });
  return s;
}

function kStr(s: string): string { return '"' + s.replace(/\\/g, "\\\\").replace(/"/g, '\\"') + '"'; }

export function genKconfig(keys: Key[], caps: Capacity[]): string {
  let s = `# Generated by codegen/src/config/gen.ts from ts-src/config/config_schema.ts; do not edit.
# Included from components/mgos_mqtt/Kconfig with: rsource "Kconfig.config"
#
# Defaults of the mqtt / mqtt1 configuration, compiled into the firmware
# (a JSON config file or --set can still change them at run time).
# A bool set to n is absent from sdkconfig.h, so each bool has a hidden int
# twin <NAME>_VALUE (0 or 1) that the C code reads. Kconfig has no floats:
# the reconnect timeouts are in milliseconds here (seconds in the config).
`;
  // ESP-IDF's Kconfig format (test/build/kconfig_style.test.ts): 4 spaces per
  // level (menu 0, config 4, attributes 8, help text 12), lines under 120.
  const entry = (lvl: number, name: string, attrs: string[], help?: string): string => {
    const ind = " ".repeat(lvl * 4);
    let e = `\n${ind}config ${name}\n` + attrs.map((a) => `${ind}    ${a}\n`).join("");
    if (help) e += `${ind}    help\n` + wrap(help, 118 - (lvl * 4 + 8)).map((l) => `${ind}        ${l}\n`).join("");
    return e;
  };
  SECTIONS.forEach((sec, si) => {
    s += `\nmenu ${kStr("Config defaults, " + sec.title)}\n`;
    for (const k of keys) {
      const prompt = kStr(`${sec.name}.${k.name}${k.kind === "f64" ? " (ms)" : ""}`);
      const help = `${sec.name}.${k.name}: ${k.doc}.`;
      if (k.kind === "bool") {
        const base = SECTIONS[si].prefix + k.name.toUpperCase();
        s += entry(1, base, [`bool ${prompt}`, `default ${k.def ? "y" : "n"}`], help);
        s += entry(1, `${base}_VALUE`, ["int", `default 1 if ${base}`, "default 0"]);
      } else if (k.kind === "string") {
        s += entry(1, kname(si, k), [`string ${prompt}`, `default ${kStr(k.def as string)}`], help);
      } else {
        const f = k.kind === "f64" ? 1000 : 1;
        const v = Math.round((k.def as number) * f), lo = Math.round(k.min * f), hi = Math.round(k.max * f);
        const extra = k.kind === "f64" ? ` In milliseconds here; ${k.minText}..${k.maxText} s in the config.` : "";
        s += entry(1, kname(si, k), [`int ${prompt}`, `default ${v}`, `range ${lo} ${hi}`], help + extra);
      }
    }
    s += `\nendmenu\n`;
  });
  for (const c of caps) {
    s += entry(0, c.kname, [`int ${kStr(c.doc.replace(/\.$/, ""))}`, `default ${c.value}`, `range ${c.min} ${c.max}`]);
  }
  return s;
}

/** Words of `text` in lines of at most `width` characters. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let cur = "";
  for (const w of text.split(/\s+/).filter((x) => x !== "")) {
    if (cur && cur.length + 1 + w.length > width) { lines.push(cur); cur = w; }
    else cur = cur ? `${cur} ${w}` : w;
  }
  if (cur) lines.push(cur);
  return lines;
}

/** sdkconfig.defaults lines setting every default explicitly (for the lead to pick from). */
export function genSdkconfig(keys: Key[], caps: Capacity[]): string {
  let s = "# mgos_mqtt config defaults (generated from ts-src/config/config_schema.ts)\n";
  SECTIONS.forEach((sec, si) => {
    for (const k of keys) {
      const base = sec.prefix + k.name.toUpperCase();
      if (k.kind === "bool") s += k.def ? `CONFIG_${base}=y\n` : `# CONFIG_${base} is not set\n`;
      else if (k.kind === "string") s += `CONFIG_${kname(si, k)}=${kStr(k.def as string)}\n`;
      else s += `CONFIG_${kname(si, k)}=${Math.round((k.def as number) * (k.kind === "f64" ? 1000 : 1))}\n`;
    }
  });
  for (const c of caps) s += `CONFIG_${c.kname}=${c.value}\n`;
  return s;
}

/** Every generated file: relative path -> contents. */
export function generate(root: string): Map<string, string> {
  const { keys, caps } = readSchema(root);
  return new Map([
    [OUT_GEN, genConfigGen(keys)],
    [OUT_SYS, genConfigSys(keys)],
    [OUT_KCONFIG, genKconfig(keys, caps)],
  ]);
}

function main(argv: string[]): number {
  let root = path.resolve(__dirname, "../../../..");
  let check = false, sdk = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--check") check = true;
    else if (a === "--sdkconfig") sdk = true;
    else if (a === "--root" && i + 1 < argv.length) root = path.resolve(argv[++i]);
    else { process.stderr.write(`config gen: unknown argument ${a}\nusage: gen.js [--root DIR] [--check] [--sdkconfig]\n`); return 2; }
  }
  try {
    if (sdk) {
      const { keys, caps } = readSchema(root);
      process.stdout.write(genSdkconfig(keys, caps));
      return 0;
    }
    const files = generate(root);
    const stale: string[] = [];
    for (const [rel, text] of files) {
      const p = path.join(root, rel);
      const old = fs.existsSync(p) ? fs.readFileSync(p, "utf8") : null;
      if (old === text) continue;
      stale.push(rel);
      if (!check) { fs.mkdirSync(path.dirname(p), { recursive: true }); fs.writeFileSync(p, text); }
    }
    if (check) {
      if (stale.length > 0) { process.stderr.write(`config gen: out of date (run npm run codegen): ${stale.join(", ")}\n`); return 1; }
      process.stdout.write(`config gen: ${files.size} files up to date\n`);
    } else {
      process.stdout.write(`config gen: ${files.size} files, ${stale.length} rewritten${stale.length ? ": " + stale.join(", ") : ""}\n`);
    }
    return 0;
  } catch (e) {
    if (e instanceof SchemaError) { process.stderr.write(`${e.message}\n`); return 1; }
    throw e;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
