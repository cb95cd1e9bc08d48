// A mosquitto on 127.0.0.1 with the TLS listeners the TLS tests and the
// measurements use (besides the harness's plain listener, broker.port):
//   tls      server auth (server.pem)
//   mtls     server auth + require_certificate (client certificates signed by ca)
//   psk      PSK only (psk_hint, psk_file with the Pki's identity and key)
//   expired  the expired server certificate
//   other    a certificate for other.example (host name mismatch)
//   ciphers  only ECDHE-ECDSA-AES128-GCM-SHA256, TLS 1.2
import * as fs from "node:fs";
import * as path from "node:path";
import { Broker, freePort } from "../../integration/support/harness";
import { Pki } from "./pki";

export interface TlsBroker {
  broker: Broker;
  port: Record<string, number>;
}

export async function startTlsBroker(pki: Pki): Promise<TlsBroker> {
  // mosquitto started as root drops to its own user: it must be able to read these.
  fs.chmodSync(pki.dir, 0o755);
  for (const f of fs.readdirSync(pki.dir)) fs.chmodSync(path.join(pki.dir, f), 0o644);
  fs.writeFileSync(path.join(pki.dir, "psk.txt"), `${pki.pskIdentity}:${pki.pskKey}\n`, { mode: 0o644 });
  const tls = (cert: string) => [`cafile ${pki.pem("ca")}`, `certfile ${pki.pem(cert)}`, `keyfile ${pki.key(cert)}`];
  const listeners: Record<string, string[]> = {
    tls: tls("server"),
    mtls: [...tls("server"), "require_certificate true"],
    psk: ["psk_hint mgos-test"],
    expired: tls("expired"),
    other: tls("other"),
    // OpenSSL's spelling of TLS-ECDHE-ECDSA-WITH-AES-128-GCM-SHA256.
    ciphers: [...tls("server"), "ciphers ECDHE-ECDSA-AES128-GCM-SHA256", "tls_version tlsv1.2"],
  };
  const port: Record<string, number> = {};
  const extra: string[] = [`psk_file ${path.join(pki.dir, "psk.txt")}`];
  for (const [name, lines] of Object.entries(listeners)) {
    port[name] = await freePort();
    extra.push(`listener ${port[name]} 127.0.0.1`, ...lines);
  }
  return { broker: await Broker.start(extra), port };
}
