// Test certificates, made with openssl at test time in a temporary folder:
//   ca          the CA of the test brokers (and of the client certificate)
//   server      localhost, DNS:localhost + IP:127.0.0.1 + IP:::1, signed by ca
//   other       a server certificate for other.example only (host name mismatch)
//   expired     localhost, signed by ca, valid 2020-01-01 .. 2021-01-01
//   client      the client's certificate (clientAuth), signed by ca
//   client2     a second client key pair: its key does not match client.pem
//   ca2         an unrelated CA (wrong CA)
// Keys are EC P-256 (fast to make and to use). Every openssl run is bounded.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runCmd } from "../../integration/support/harness";

export interface Pki {
  dir: string;
  /** Absolute path of `<name>.pem` / `<name>.key`. */
  pem(name: string): string;
  key(name: string): string;
  /** PSK identity and key (hex) the PSK listener accepts. */
  pskIdentity: string;
  pskKey: string;
}

async function ossl(dir: string, args: string[]): Promise<void> {
  const r = await runCmd("openssl", args, 30_000, { cwd: dir });
  if (r.code !== 0) throw new Error(`openssl ${args.join(" ")} failed:\n${r.stderr}`);
}

/** A key and a certificate request for `cn`. */
async function request(dir: string, name: string, cn: string): Promise<void> {
  await ossl(dir, ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/O=mgos_mqtt test/CN=${cn}`]);
}

async function selfSignedCa(dir: string, name: string, cn: string): Promise<void> {
  await ossl(dir, ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", `${name}.key`, "-out", `${name}.pem`, "-days", "30", "-subj", `/O=mgos_mqtt test/CN=${cn}`,
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
}

/** Signs `<name>.csr` with ca for 30 days with the extensions in `ext`. */
async function sign(dir: string, name: string, ext: string): Promise<void> {
  fs.writeFileSync(path.join(dir, `${name}.ext`), ext);
  await ossl(dir, ["x509", "-req", "-in", `${name}.csr`, "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
    "-days", "30", "-sha256", "-extfile", `${name}.ext`, "-out", `${name}.pem`]);
}

const SERVER_EXT = "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n";

export async function makePki(): Promise<Pki> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mgos-tls-pki-"));
  await selfSignedCa(dir, "ca", "mgos_mqtt test CA");
  await selfSignedCa(dir, "ca2", "an unrelated CA");
  await request(dir, "server", "localhost");
  await sign(dir, "server", SERVER_EXT + "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\n");
  await request(dir, "other", "other.example");
  await sign(dir, "other", SERVER_EXT + "subjectAltName=DNS:other.example\n");
  await request(dir, "client", "mgos-test-client");
  await sign(dir, "client", "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=clientAuth\n");
  await request(dir, "client2", "another client");
  await sign(dir, "client2", "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=clientAuth\n");

  // The expired certificate: `openssl x509` of OpenSSL 3.0 cannot set past
  // dates, `openssl ca` can (-startdate/-enddate), with a minimal CA setup.
  await request(dir, "expired", "localhost");
  fs.writeFileSync(path.join(dir, "index.txt"), "");
  fs.writeFileSync(path.join(dir, "expired.ext"), SERVER_EXT + "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
  fs.writeFileSync(path.join(dir, "ca.cnf"), [
    "[ca]", "default_ca = test_ca", "[test_ca]", `dir = ${dir}`, "database = $dir/index.txt", "new_certs_dir = $dir",
    "certificate = $dir/ca.pem", "private_key = $dir/ca.key", "serial = $dir/ca.srl", "default_md = sha256",
    "policy = any", "unique_subject = no", "copy_extensions = none", "[any]", "commonName = supplied", "organizationName = optional", "",
  ].join("\n"));
  if (!fs.existsSync(path.join(dir, "ca.srl"))) fs.writeFileSync(path.join(dir, "ca.srl"), "1000\n");
  await ossl(dir, ["ca", "-batch", "-notext", "-config", "ca.cnf", "-in", "expired.csr", "-out", "expired.pem",
    "-startdate", "20200101000000Z", "-enddate", "20210101000000Z", "-extfile", "expired.ext"]);

  return {
    dir,
    pem: (n) => path.join(dir, `${n}.pem`),
    key: (n) => path.join(dir, `${n}.key`),
    pskIdentity: "mgos-psk-device",
    pskKey: "00112233445566778899aabbccddeeff",
  };
}
