// `npm run bench -- --symbols [error|none|warn|info|debug] [typical|core]`:
// where the linked flash goes, function by function, for whoever is making
// the client smaller. Links the given root of bench/c/size_roots.c for
// Cortex-M3 (-Os, --gc-sections, libgcc) the way the flash figures do
// (test/build/support/flashlink.ts) and lists every kept function and object
// with its size, largest first, and the bytes of constant text (.rodata).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { LINK_TARGETS, LOG_LEVELS, compileObjects, linkRoot, tmpDir } from "../test/build/support/flashlink";

export function flashSymbols(level: string, root: string): string {
  if (!(level in LOG_LEVELS)) throw new Error(`--symbols: log level ${level}? one of ${Object.keys(LOG_LEVELS).join(", ")}`);
  if (root !== "typical" && root !== "core") throw new Error(`--symbols: root ${root}? typical or core`);
  const dir = tmpDir("symbols");
  try {
    return listing(level, root, dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function listing(level: string, root: string, dir: string): string {
  const t = LINK_TARGETS[0];
  const defs = [`-DCONFIG_MGOS_MQTT_LOG_LEVEL=${LOG_LEVELS[level]}`];
  const l = linkRoot(t, compileObjects(t, defs, dir), `size_root_${root}`, defs, dir);
  const elf = `${dir}/size_root_${root}.elf`;
  const nm = spawnSync("arm-none-eabi-nm", ["--size-sort", "-S", "-r", elf], { encoding: "utf8" }).stdout;
  const size = spawnSync("arm-none-eabi-size", ["-A", elf], { encoding: "utf8" }).stdout;
  const rodata = /^\.rodata\s+(\d+)/m.exec(size)?.[1] ?? "?";
  const out = [`${t.name}, log level ${level}, root size_root_${root}: ${l.total} B (ours ${l.ours}, libgcc ${l.libgcc}); .rodata ${rodata} B`, "", "per object:"];
  for (const [o, n] of [...l.perObject].sort((a, b) => b[1] - a[1])) out.push(`${String(n).padStart(7)}  ${o}`);
  out.push("", "per function (flash; b/d = RAM):");
  for (const line of nm.split("\n")) {
    const m = /^[0-9a-f]+ ([0-9a-f]+) (\w) (\S+)$/.exec(line);
    if (m && !m[3].startsWith("size_root")) out.push(`${String(parseInt(m[1], 16)).padStart(7)}  ${m[2]}  ${m[3]}`);
  }
  return out.join("\n");
}
