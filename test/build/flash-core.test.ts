// Flash of the protocol core (codec, packet, topic, session) at log level
// none: no text at all is linked. Close reasons (closeReason, the decode
// errors' names, the CONNACK refusals) are only read by log lines, so a build
// without logs carries none of them (closeReason is then "").
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import { LINK_TARGETS, compileObjects, linkRoot, haveCc, tmpDir } from "./support/flashlink";

const arm = LINK_TARGETS.find((t) => t.name === "cortex-m3")!;

/** Printable runs of at least `min` bytes ending in NUL (C string literals) in a file. */
function cStrings(bin: Buffer, min: number): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < bin.length; i++) {
    const c = bin[i];
    if (c >= 0x20 && c < 0x7f) continue;
    if (c === 0 && i - start >= min) out.push(bin.subarray(start, i).toString("latin1"));
    start = i + 1;
  }
  return out;
}

test("flash: the protocol core links no text at log level none (Cortex-M3)", { skip: haveCc(arm) ? false : "no arm-none-eabi-gcc", timeout: 900_000 }, (ctx) => {
  const dir = tmpDir("core-none");
  try {
    const defs = ["-DCONFIG_MGOS_MQTT_LOG_LEVEL=0"];
    const core = linkRoot(arm, compileObjects(arm, defs, dir), "size_root_core", defs, dir);
    const elf = fs.readFileSync(`${dir}/size_root_core.elf`);
    // Symbol names live in .strtab, not in what is loaded: look at .rodata only.
    const ro = rodata(elf);
    const text = cStrings(ro, 6);
    assert.deepEqual(text, [], "text linked into the core at log level none");
    ctx.diagnostic(`core at level none: ${core.total} B, .rodata ${ro.length} B`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("flash: the typical firmware links no generated text at log level none (Cortex-M3)", { skip: haveCc(arm) ? false : "no arm-none-eabi-gcc", timeout: 900_000 }, (ctx) => {
  const dir = tmpDir("typical-none");
  try {
    const defs = ["-DCONFIG_MGOS_MQTT_LOG_LEVEL=0"];
    const typical = linkRoot(arm, compileObjects(arm, defs, dir), "size_root_typical", defs, dir);
    const ro = rodata(fs.readFileSync(`${dir}/size_root_typical.elf`));
    // The root's own topics, and the hand-written port's (compat.c) refusal texts.
    const allowed = new Set(["dev/cmd/#", "dev/telemetry", "dev/state", "publish: topic is NULL", "publish: message is NULL with a non-zero length: "]);
    const text = cStrings(ro, 6).filter((t) => !allowed.has(t));
    // (The config string checks' reasons, e.g. "password without user name", only feed the log.)
    assert.deepEqual(text, [], "generated text linked into the typical firmware at log level none");
    ctx.diagnostic(`typical at level none: ${typical.total} B, .rodata ${ro.length} B`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** The bytes of the .rodata section of a 32-bit little-endian ELF. */
function rodata(elf: Buffer): Buffer {
  const shoff = elf.readUInt32LE(0x20), shentsize = elf.readUInt16LE(0x2e), shnum = elf.readUInt16LE(0x30), shstrndx = elf.readUInt16LE(0x32);
  const sh = (i: number): { name: number; off: number; size: number } => {
    const b = shoff + i * shentsize;
    return { name: elf.readUInt32LE(b), off: elf.readUInt32LE(b + 0x10), size: elf.readUInt32LE(b + 0x14) };
  };
  const names = sh(shstrndx);
  for (let i = 0; i < shnum; i++) {
    const s = sh(i);
    const end = elf.indexOf(0, names.off + s.name);
    if (elf.subarray(names.off + s.name, end).toString("latin1") === ".rodata") return elf.subarray(s.off, s.off + s.size);
  }
  return Buffer.alloc(0);
}
