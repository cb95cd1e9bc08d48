// `npm run idf -- <idf.py args>` (scripts/idf.sh): idf.py in the pinned
// espressif/idf image when a docker engine answers, the local ESP-IDF when
// IDF_PATH is set, a message naming both otherwise. No docker engine runs
// here: --dry-run prints the exact command, and a stand-in `docker` program
// (MGOS_IDF_DOCKER) says whether an engine answers.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { ROOT } from "../c/support/ctier";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "idf-cmd-"));
process.on("exit", () => fs.rmSync(tmp, { recursive: true, force: true }));
/** A docker program whose `info` succeeds (an engine answers) or fails. */
function fakeDocker(name: string, engine: boolean): string {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, `#!/bin/sh\nif [ "$1" = info ]; then exit ${engine ? 0 : 1}; fi\necho "docker $*"\n`, { mode: 0o755 });
  return p;
}
const DOCKER_UP = fakeDocker("docker-up", true);
const DOCKER_DOWN = fakeDocker("docker-down", false);
// No idf.py on this PATH (a machine with one exported would pick it).
const PATH = "/usr/bin:/bin";

function idf(args: string[], env: Record<string, string>): { code: number | null; out: string; err: string } {
  const r = spawnSync("bash", [path.join(ROOT, "scripts/idf.sh"), ...args], {
    cwd: ROOT, encoding: "utf8", timeout: 30_000, stdio: ["ignore", "pipe", "pipe"],
    env: { PATH, HOME: process.env.HOME ?? "/tmp", ...env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const uid = String(process.getuid!());

test("docker engine up: idf.py in the pinned image, the project mounted, run as the user", () => {
  const r = idf(["--dry-run", "build"], { MGOS_IDF_DOCKER: DOCKER_UP });
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out.trim(),
    `${DOCKER_UP} run --rm -v ${ROOT}:/project -w /project -u ${uid} -e HOME=/tmp -e IDF_GIT_SAFE_DIR=/project espressif/idf:v5.5.1 idf.py -B build/idf build`);
});

test("flash/monitor: the serial port is passed through with its group; -B is left alone when given", () => {
  const dev = "/dev/null"; // stands in for /dev/ttyUSB0: any device node
  const gid = String(fs.statSync(dev).gid);
  const r = idf(["--dry-run", "-B", "out", "-p", dev, "flash", "monitor"], { MGOS_IDF_DOCKER: DOCKER_UP, MGOS_IDF_IMAGE: "espressif/idf:v9.9" });
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out.trim(),
    `${DOCKER_UP} run --rm -v ${ROOT}:/project -w /project -u ${uid} -e HOME=/tmp -e IDF_GIT_SAFE_DIR=/project --device ${dev} --group-add ${gid} espressif/idf:v9.9 idf.py -B out -p ${dev} flash monitor`);
  // ESPPORT names the port too.
  const e = idf(["--dry-run", "flash"], { MGOS_IDF_DOCKER: DOCKER_UP, ESPPORT: dev });
  assert.match(e.out, new RegExp(`--device ${dev} --group-add ${gid} `));
});

test("a docker program without an engine, IDF_PATH set: the local ESP-IDF, export.sh first", () => {
  const idfPath = path.join(tmp, "esp-idf");
  fs.mkdirSync(idfPath, { recursive: true });
  fs.writeFileSync(path.join(idfPath, "export.sh"), "");
  const r = idf(["--dry-run", "menuconfig"], { MGOS_IDF_DOCKER: DOCKER_DOWN, IDF_PATH: idfPath });
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out.trim(), `bash -c '. "$IDF_PATH/export.sh" >/dev/null && exec idf.py "$@"' idf.py -B build/idf menuconfig`);
});

test("neither: exit 1 and a message naming what is missing", () => {
  const r = idf(["build"], { MGOS_IDF_DOCKER: DOCKER_DOWN });
  assert.equal(r.code, 1);
  assert.match(r.err, /no ESP-IDF to run idf\.py with/);
  assert.match(r.err, /docker-down info' must work/);
  assert.match(r.err, /espressif\/idf:v5\.5\.1/);
  assert.match(r.err, /IDF_PATH is not set/);
  assert.equal(idf(["build"], { MGOS_IDF_DOCKER: path.join(tmp, "no-such-docker") }).code, 1);
});

test("flash with docker and no port anywhere: a clear error (when no /dev/ttyUSB*, /dev/ttyACM* exists)", (t) => {
  if (fs.readdirSync("/dev").some((d) => /^tty(USB|ACM)/.test(d))) { t.skip("a serial port is plugged in"); return; }
  const r = idf(["--dry-run", "flash"], { MGOS_IDF_DOCKER: DOCKER_UP });
  assert.equal(r.code, 1);
  assert.match(r.err, /no serial port found .*name it with -p/);
});

test("no arguments: usage", () => {
  const r = idf([], {});
  assert.equal(r.code, 2);
  assert.match(r.err, /usage: npm run idf -- \[--dry-run\] <idf\.py arguments>/);
});
