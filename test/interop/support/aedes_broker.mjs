// aedes (npm) as a standalone broker for the interop tier: `node aedes_broker.mjs PORT`.
// Listens on 127.0.0.1 only; in-memory persistence (aedes's default). One
// password account, device/devpass: a known user with a wrong password is
// refused with CONNACK 4; clients without a user name are let in.
import { createServer } from "node:net";
import { Aedes } from "aedes";

const port = Number(process.argv[2]);
const aedes = await Aedes.createBroker();
aedes.authenticate = (client, username, password, done) => {
  if (username === undefined || username === null) return done(null, true);
  if (username === "device" && password !== undefined && password.toString() === "devpass") return done(null, true);
  const err = new Error("bad user name or password");
  err.returnCode = 4;
  done(err, false);
};
const server = createServer(aedes.handle);
server.listen(port, "127.0.0.1", () => console.log(`aedes listening on 127.0.0.1:${port}`));
const stop = () => server.close(() => aedes.close(() => process.exit(0)));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
