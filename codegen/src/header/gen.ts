// Generates the public headers components/mgos_mqtt/include/mgos_mqtt.h and
// mgos_mqtt_conn.h (the per-connection API, a header of its own as in the
// reference; mgos_mqtt.h includes it) from the TypeScript API modules
// (ts-src/mgos/*.ts). Functions named mgos_mqtt_conn_* go to mgos_mqtt_conn.h.
//
//   node build/codegen/src/header/gen.js [--check] [--root DIR]
//
// What goes in, all read from the TypeScript declarations:
//   - `#include "mg_types.h"`: the compiler's header of ts-src/mgos/mg_types.ts
//     (struct mg_str, mg_connection, mg_mqtt_message, the handler typedefs,
//     MG_EV_*, MG_MQTT_*, MGOS_EVENT_*), which imports nothing but rt;
//   - a prototype for every exported `@api` function of the API modules
//     except the port callbacks (mgos_mqtt_port_*), with the C types the
//     compiler gives them (class -> `struct C *`, string -> `const char *`...),
//     so compat.c can include this header and the generated ones together and
//     the C compiler proves they agree;
//   - the `@capi <prototype>` JSDoc lines, verbatim: the functions whose exact
//     reference signature the subset cannot express (structs by value,
//     `const void *`, varargs), implemented in port/compat.c or json_printf.c;
//   - `@capi_host <prototype>`: host-only functions (under #ifndef ESP_PLATFORM);
//   - `@cmacro NAME(args) body`: function-like macros (MG_MQTT_QOS ...);
//   - `@cdoc` on a declaration: its whole JSDoc text as a comment block near
//     the top of mgos_mqtt.h (the delivery rule of ts-src/mqtt/delivery.ts);
//   - `#include "delivery.h"` in mgos_mqtt_conn.h: MGOS_MQTT_ERR_*,
//     MGOS_MQTT_EV_*, MGOS_MQTT_DROP_*, struct mgos_mqtt_dropped
//     (ts-src/mqtt/delivery.ts, which imports only mg_types).
//   - `@hdoc text`: a paragraph for users of the header (behaviour beyond the
//     reference), emitted as a comment block before the prototypes.
// `--check` exits 1 when the header on disk differs (the staleness check).

import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

const MODULES = ["ts-src/mgos/mg_types.ts", "ts-src/mqtt/delivery.ts", "ts-src/mgos/conn.ts", "ts-src/mgos/persist.ts", "ts-src/mgos/facade.ts", "ts-src/mgos/mg_mqtt.ts", "ts-src/mgos/mqtt5_api.ts"];
const OUT = "components/mgos_mqtt/include/mgos_mqtt.h";
const OUT_CONN = "components/mgos_mqtt/include/mgos_mqtt_conn.h";
/** The functions of mgos_mqtt_conn.h. */
const isConnApi = (name: string): boolean => name.startsWith("mgos_mqtt_conn_");

const SCALARS: Record<string, string> = {
  u8: "uint8_t", u16: "uint16_t", u32: "uint32_t", i8: "int8_t", i16: "int16_t", i32: "int32_t",
  int: "int", usize: "size_t", f64: "double", bool: "bool", boolean: "bool", void: "void",
  string: "const char *", Ptr: "void *", Bytes: "rt_bytes",
};

export class HeaderError extends Error {}

/** The text of JSDoc tag `name` on a node, one entry per occurrence. */
function tags(node: ts.Node, name: string): string[] {
  const out: string[] = [];
  for (const t of ts.getJSDocTags(node)) {
    if (t.tagName.text !== name) continue;
    const c = typeof t.comment === "string" ? t.comment : ts.getTextOfJSDocComment(t.comment) ?? "";
    out.push(c.replace(/\s+/g, " ").trim());
  }
  return out;
}

function docText(node: ts.Node): string {
  const d = ts.getJSDocCommentsAndTags(node).find(ts.isJSDoc);
  if (!d || d.comment === undefined) return "";
  const c = typeof d.comment === "string" ? d.comment : ts.getTextOfJSDocComment(d.comment) ?? "";
  // The prose before the first blank line, without the C-name remarks meant for maintainers.
  return c.split(/\n\s*\n/)[0].replace(/\s+/g, " ").trim();
}

interface Known { classes: Set<string>; fnTypes: Set<string>; enums: Set<string> }

function cType(t: ts.TypeNode, k: Known, where: string): string {
  if (ts.isUnionTypeNode(t)) {
    const rest = t.types.filter((x) => !(ts.isLiteralTypeNode(x) && x.literal.kind === ts.SyntaxKind.NullKeyword));
    if (rest.length !== 1) throw new HeaderError(`${where}: only \`T | null\` unions have a C type`);
    return cType(rest[0], k, where);
  }
  const name = t.getText();
  if (SCALARS[name]) return SCALARS[name];
  if (k.classes.has(name)) return `struct ${name} *`;
  if (k.fnTypes.has(name)) return name;
  throw new HeaderError(`${where}: type \`${name}\` has no public C type (add it to mg_types.ts or use @capi)`);
}

/** A paragraph as a C block comment of lines under 80 columns. */
function wrapComment(text: string): string[] {
  const out: string[] = ["/*"];
  let line = "";
  for (const w of text.replace(/\*\//g, "* /").split(" ")) {
    if (line.length > 0 && line.length + 1 + w.length > 76) {
      out.push(` * ${line}`);
      line = w;
    } else {
      line = line.length > 0 ? `${line} ${w}` : w;
    }
  }
  if (line.length > 0) out.push(` * ${line}`);
  out.push(" */");
  return out;
}

function decl(ctype: string, name: string): string {
  return ctype.endsWith("*") ? `${ctype}${name}` : `${ctype} ${name}`;
}

/** Builds the texts of mgos_mqtt.h and mgos_mqtt_conn.h from the API modules under `root`. */
export function generateHeaders(root: string): { main: string; conn: string } {
  const sfs = MODULES.map((m) => {
    const p = path.join(root, m);
    return ts.createSourceFile(m, fs.readFileSync(p, "utf8"), ts.ScriptTarget.ES2022, true);
  });
  const k: Known = { classes: new Set(), fnTypes: new Set(), enums: new Set() };
  for (const sf of sfs) {
    for (const st of sf.statements) {
      if (ts.isClassDeclaration(st) && st.name) k.classes.add(st.name.text);
      if (ts.isTypeAliasDeclaration(st) && ts.isFunctionTypeNode(st.type)) k.fnTypes.add(st.name.text);
    }
  }
  // The config struct is the config module's; the header only forward-declares it.
  k.classes.add("mgos_config_mqtt");

  const protos: string[] = [];
  const capi: string[] = [];
  const connProtos: string[] = [];
  const connCapi: string[] = [];
  const host: string[] = [];
  const macros: string[] = [];
  const cdocs: string[] = [];
  const notes: string[] = [];
  const seen = new Set<string>();
  const add = (list: string[], doc: string, proto: string, where: string): void => {
    const m = /([A-Za-z_][A-Za-z0-9_]*)\s*\(/.exec(proto);
    if (!m) throw new HeaderError(`${where}: cannot find the function name in \`${proto}\``);
    if (seen.has(m[1])) throw new HeaderError(`${where}: ${m[1]} is declared twice`);
    seen.add(m[1]);
    if (doc) list.push(`/* ${doc.replace(/\*\//g, "* /")} */`);
    list.push(`${proto};`);
  };
  for (const sf of sfs) {
    const visit = (n: ts.Node): void => {
      const where = `${sf.fileName}:${sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1}`;
      for (const c of tags(n, "capi")) {
        const m = /([A-Za-z_][A-Za-z0-9_]*)\s*\(/.exec(c);
        add(m && isConnApi(m[1]) ? connCapi : capi, "", c, where);
      }
      for (const c of tags(n, "capi_host")) add(host, "", c, where);
      if (ts.getJSDocTags(n).some((t) => t.tagName.text === "cdoc")) {
        const d = ts.getJSDocCommentsAndTags(n).find(ts.isJSDoc);
        const c = d && d.comment !== undefined ? (typeof d.comment === "string" ? d.comment : ts.getTextOfJSDocComment(d.comment) ?? "") : "";
        cdocs.push("/*", ...c.replace(/\*\//g, "* /").split("\n").map((l) => ` *${l.trim() ? " " + l.trimEnd() : ""}`), " */");
      }
      for (const c of tags(n, "hdoc")) notes.push(...wrapComment(c));
      for (const c of tags(n, "cmacro")) {
        const m = /^([A-Za-z_][A-Za-z0-9_]*\([^)]*\))\s+(.+)$/.exec(c);
        if (!m) throw new HeaderError(`${where}: @cmacro needs \`NAME(args) body\`, got \`${c}\``);
        macros.push(`#define ${m[1]} ${m[2]}`);
      }
      ts.forEachChild(n, visit);
    };
    for (const st of sf.statements) {
      visit(st);
      if (!ts.isFunctionDeclaration(st) || !st.name || !st.body) continue;
      if (!st.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
      if (tags(st, "api").length === 0 && !ts.getJSDocTags(st).some((t) => t.tagName.text === "api")) continue;
      const name = st.name.text;
      if (name.startsWith("mgos_mqtt_port_")) continue;
      const where = `${sf.fileName}:${sf.getLineAndCharacterOfPosition(st.getStart(sf)).line + 1}`;
      if (!st.type) throw new HeaderError(`${where}: ${name} needs a return type`);
      const ps = st.parameters.map((p) => {
        if (!p.type) throw new HeaderError(`${where}: parameter ${p.name.getText()} needs a type`);
        return decl(cType(p.type, k, where), p.name.getText());
      });
      add(isConnApi(name) ? connProtos : protos, docText(st), decl(cType(st.type, k, where), `${name}(${ps.length ? ps.join(", ") : "void"})`), where);
    }
  }

  const L: string[] = [];
  L.push(`/* Generated by codegen/src/header/gen.ts from ${MODULES.join(", ")}; do not edit. */`);
  L.push("/*");
  L.push(" * The public API of the mgos_mqtt component: the Mongoose OS MQTT library's");
  L.push(" * mgos_mqtt.h (global and per-connection API) and the Mongoose 6 MQTT types");
  L.push(" * and functions that its users call. Source compatible with the reference.");
  L.push(" */");
  L.push("#ifndef MGOS_MQTT_H");
  L.push("#define MGOS_MQTT_H");
  L.push("");
  L.push("/* The types, the Mongoose constants and the mgos_mqtt_conn_* API. */");
  L.push(`#include "mgos_mqtt_conn.h"`);
  L.push("");
  if (cdocs.length) {
    L.push(...cdocs);
    L.push("");
  }
  L.push("#ifdef __cplusplus");
  L.push(`extern "C" {`);
  L.push("#endif");
  L.push("");
  if (notes.length > 0) {
    L.push(...notes);
    L.push("");
  }
  L.push(...protos);
  L.push("");
  L.push("/* Reference signatures the TypeScript subset cannot express; thin C wrappers. */");
  L.push(...capi);
  L.push("");
  L.push("#ifndef ESP_PLATFORM");
  L.push("/* The host port's loop (port_posix.c). */");
  L.push(...host);
  L.push("#endif");
  L.push("");
  L.push("#ifdef __cplusplus");
  L.push("}");
  L.push("#endif");
  L.push("");
  L.push("#endif /* MGOS_MQTT_H */");

  const C: string[] = [];
  C.push(`/* Generated by codegen/src/header/gen.ts from ${MODULES.join(", ")}; do not edit. */`);
  C.push("/*");
  C.push(" * The per-connection API of the mgos_mqtt component (the reference's");
  C.push(" * mgos_mqtt_conn.h), with the Mongoose 6 types and constants it uses.");
  C.push(" * mgos_mqtt.h includes it.");
  C.push(" */");
  C.push("#ifndef MGOS_MQTT_CONN_H");
  C.push("#define MGOS_MQTT_CONN_H");
  C.push("");
  C.push("#include <stdarg.h>");
  C.push("#include <stdbool.h>");
  C.push("#include <stddef.h>");
  C.push("#include <stdint.h>");
  C.push("");
  C.push("/* struct mg_str, mg_connection, mg_mqtt_message, mg_send_mqtt_handshake_opts,");
  C.push(" * handler typedefs, MG_EV_*, MG_MQTT_*, MG_F_*, MGOS_EVENT_*, MGOS_CLOUD_*");
  C.push(" * (generated from mg_types.ts). */");
  C.push(`#include "mg_types.h"`);
  C.push("/* MGOS_MQTT_ERR_*, MGOS_MQTT_EV_*, MGOS_MQTT_DROP_*, struct mgos_mqtt_dropped (generated from delivery.ts). */");
  C.push(`#include "delivery.h"`);
  C.push("");
  C.push("#ifdef __cplusplus");
  C.push(`extern "C" {`);
  C.push("#endif");
  C.push("");
  C.push("/* Opaque here: the configuration (config_schema.h) and a connection. */");
  C.push("struct mgos_config_mqtt;");
  C.push("struct mgos_mqtt_conn;");
  C.push("");
  C.push(...macros);
  C.push("");
  C.push(...connProtos);
  C.push("");
  C.push("/* Reference signatures the TypeScript subset cannot express; thin C wrappers. */");
  C.push(...connCapi);
  C.push("");
  C.push("#ifdef __cplusplus");
  C.push("}");
  C.push("#endif");
  C.push("");
  C.push("#endif /* MGOS_MQTT_CONN_H */");
  return { main: L.join("\n") + "\n", conn: C.join("\n") + "\n" };
}

function main(argv: string[]): number {
  let root = path.resolve(__dirname, "../../../..");
  let check = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--check") check = true;
    else if (argv[i] === "--root" && argv[i + 1] !== undefined) root = path.resolve(argv[++i]);
    else {
      process.stderr.write(`header: unknown argument ${argv[i]}\nusage: gen.js [--check] [--root DIR]\n`);
      return 2;
    }
  }
  let texts: { main: string; conn: string };
  try {
    texts = generateHeaders(root);
  } catch (e) {
    if (e instanceof HeaderError) {
      process.stderr.write(`header: error: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  let rc = 0;
  for (const [rel, text] of [[OUT, texts.main], [OUT_CONN, texts.conn]] as [string, string][]) {
    const out = path.join(root, rel);
    const old = fs.existsSync(out) ? fs.readFileSync(out, "utf8") : null;
    if (check) {
      if (old !== text) {
        process.stderr.write(`header --check: ${rel} is out of date; run \`npm run codegen\` and commit the result\n`);
        rc = 1;
      } else {
        process.stdout.write(`header --check: ${rel} up to date\n`);
      }
      continue;
    }
    if (old !== text) {
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(out, text);
    }
    process.stdout.write(`header: ${rel} (${text.split("\n").length - 1} lines)\n`);
  }
  return rc;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
