// Bench program for MQTT.js (npm `mqtt`): the same command line, workloads
// and RESULT line as the C bench programs (bench/c/bench_common.h describes
// them). MQTT.js has one 'message' event for every subscription, so the
// application dispatches by comparing the topic with each (exact) filter.
import * as mqtt from "mqtt";

type Mode = "pub0" | "pub1" | "recv" | "lat";
interface Args { mode: Mode; n: number; size: number; subs: number; window: number; port: number; id: string }

function fail(msg: string): never {
  process.stderr.write(`ERROR ${msg}\n`);
  process.exit(1);
}

function parse(argv: string[]): Args {
  const a: Partial<Args> = { n: 1000, size: 16, subs: 1, window: 8 };
  const num = (k: string, v: string, lo: number, hi: number): number => {
    const x = Number(v);
    if (!Number.isInteger(x) || x < lo || x > hi) fail(`${k}: expected an integer in ${lo}..${hi}, got '${v}'`);
    return x;
  };
  for (let i = 0; i < argv.length; i += 2) {
    const k = argv[i], v = argv[i + 1];
    if (v === undefined) fail("every option takes a value");
    switch (k) {
      case "--mode":
        if (v !== "pub0" && v !== "pub1" && v !== "recv" && v !== "lat") fail("--mode: pub0, pub1, recv or lat");
        a.mode = v;
        break;
      case "--n": a.n = num(k, v, 0, 1e8); break;
      case "--size": a.size = num(k, v, 4, 65536); break;
      case "--subs": a.subs = num(k, v, 1, 128); break;
      case "--window": a.window = num(k, v, 1, 1000); break;
      case "--port": a.port = num(k, v, 1, 65535); break;
      case "--id": a.id = v; break;
      default: fail(`unknown option ${k}`);
    }
  }
  if (!a.mode || !a.port || !a.id) fail("--mode, --port and --id are required");
  return a as Args;
}

const nowUs = (): number => Number(process.hrtime.bigint() / 1000n);

async function main(): Promise<void> {
  const A = parse(process.argv.slice(2));
  const base = `bench/${A.id}`;
  const pubTopic = `${base}/p`, fenceTopic = `${base}/f`, latTopic = `${base}/l`;
  const filters = Array.from({ length: A.subs }, (_, k) => `${base}/s/${k}`);
  // The same bytes as bench_common.c's payload.
  const payload = Buffer.alloc(A.size);
  for (let i = 0; i < A.size; i++) payload[i] = 0x61 + ((i * 7) % 26);

  const client = mqtt.connect(`mqtt://127.0.0.1:${A.port}`, {
    clientId: A.id, clean: true, keepalive: 60, protocolVersion: 4, reconnectPeriod: 0,
  });
  client.on("error", (e) => fail(`mqtt: ${e.message}`));
  await new Promise<void>((resolve) => client.once("connect", () => resolve()));

  let got = 0, bad = 0, first = 0, last = 0;
  let onGot: (() => void) | null = null;
  const expectHit = A.mode === "recv" ? A.subs - 1 : 0;
  client.on("message", (topic: string, msg: Buffer) => {
    const t = nowUs();
    const list = A.mode === "recv" ? filters : [latTopic];
    let hit = -1;
    for (let k = 0; k < list.length; k++) if (list[k] === topic) { hit = k; break; }
    if (hit !== expectHit || msg.length !== A.size) bad++;
    if (got === 0) first = t;
    last = t;
    got++;
    if (onGot !== null) onGot();
  });
  // Fails after 20 s without a new message (not 20 s in all: under valgrind
  // a long run is slow, but it keeps moving).
  const waitGot = (want: number, what: string): Promise<void> => new Promise((resolve) => {
    if (got >= want) return resolve();
    const expire = (): never => fail(`${what}: ${got} of ${want}, nothing new for 20 s`);
    let timer = setTimeout(expire, 20_000);
    onGot = () => {
      clearTimeout(timer);
      if (got >= want) { onGot = null; resolve(); } else timer = setTimeout(expire, 20_000);
    };
  });
  const publish = (topic: string, qos: 0 | 1): Promise<void> => new Promise((resolve) => {
    client.publish(topic, payload, { qos }, (err) => { if (err) fail(`publish: ${err.message}`); resolve(); });
  });
  const subscribe = (filter: string): Promise<void> => new Promise((resolve) => {
    client.subscribe(filter, { qos: 0 }, (err) => { if (err) fail(`subscribe: ${err.message}`); resolve(); });
  });
  const result = (done: number, us: number, extra: Record<string, number> = {}): void => {
    const r = { mode: A.mode, n: A.n, done, size: A.size, subs: A.subs, us, ...extra };
    process.stdout.write(`RESULT ${JSON.stringify(r)}\n`);
  };

  switch (A.mode) {
    case "pub0": {
      const t0 = nowUs();
      for (let i = 0; i < A.n; i++) {
        client.publish(pubTopic, payload, { qos: 0 });
        // Let the socket drain instead of buffering everything in memory.
        if (client.stream.writableNeedDrain) await new Promise((r) => client.stream.once("drain", r));
      }
      await publish(fenceTopic, 1); // its PUBACK follows everything before it
      result(A.n, nowUs() - t0);
      break;
    }
    case "pub1": {
      const t0 = nowUs();
      await new Promise<void>((resolve) => {
        let sent = 0, acked = 0;
        const pump = (): void => {
          while (sent < A.n && sent - acked < A.window) {
            sent++;
            client.publish(pubTopic, payload, { qos: 1 }, (err) => {
              if (err) fail(`publish: ${err.message}`);
              acked++;
              if (acked === A.n) resolve();
              else pump();
            });
          }
        };
        if (A.n === 0) resolve();
        else pump();
      });
      result(A.n, nowUs() - t0);
      break;
    }
    case "recv": {
      await Promise.all(filters.map(subscribe));
      process.stdout.write("READY\n");
      await waitGot(A.n, "messages");
      if (bad !== 0) fail(`${bad} messages dispatched to the wrong filter or of the wrong size`);
      result(got, last - first);
      break;
    }
    case "lat": {
      await subscribe(latTopic);
      const samples: number[] = [];
      const t0 = nowUs();
      for (let i = 0; i < A.n; i++) {
        const s = nowUs();
        client.publish(latTopic, payload, { qos: 0 });
        await waitGot(i + 1, "round trip");
        samples.push(nowUs() - s);
      }
      samples.sort((x, y) => x - y);
      const pct = (p: number): number => samples.length ? samples[Math.min(samples.length - 1, Math.max(0, Math.ceil(p / 100 * samples.length) - 1))] : 0;
      result(got, nowUs() - t0, { p50_us: pct(50), p99_us: pct(99) });
      break;
    }
  }
  await new Promise<void>((resolve) => client.end(false, {}, () => resolve()));
}

main().catch((e: Error) => fail(e.stack ?? String(e)));
