// mJS (Mongoose OS init.js) equivalent of apps/fwdl/main.ts, for comparison.
load('api_config.js');
load('api_mqtt.js');

let dev = Cfg.get('device.id');
let B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
let size = 0, want = 0, next = 0, crc = 0, active = false;

function status(o) {
  o.next = next;
  MQTT.pub(dev + '/fw/status', JSON.stringify(o), 1);
}

function crcByte(c, b) {
  c = c ^ b;
  for (let k = 0; k < 8; k++) c = (c & 1) ? ((c >>> 1) ^ 0xedb88320) : c >>> 1;
  return c;
}

function decode(s, apply) {
  let len = s.length, acc = 0, bits = 0, n = 0;
  while (len > 0 && s.at(len - 1) === 61) len--;
  if (len % 4 === 1) return -1;
  for (let i = 0; i < len; i++) {
    let v = B64.indexOf(s.slice(i, i + 1));
    if (v < 0) return -1;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (apply) crc = crcByte(crc, (acc >> bits) & 255);
      n++;
    }
  }
  return n;
}

MQTT.setEventHandler(function(conn, ev) {
  if (ev === MQTT.EV_CONNACK) MQTT.pub(dev + '/status', 'online', 1);
}, null);

MQTT.sub(dev + '/fw/begin', function(conn, topic, msg) {
  let o = JSON.parse(msg);
  if (typeof o.size !== 'number' || typeof o.crc !== 'number') return status({error: 'begin needs size and crc'});
  size = o.size; want = o.crc; next = 0; crc = 0xffffffff; active = true;
  status({});
}, null);

MQTT.sub(dev + '/fw/chunk', function(conn, topic, msg) {
  let o = JSON.parse(msg), n = decode(o.data, false);
  if (!active) return status({error: 'no transfer'});
  if (o.off !== next) return status({error: 'offset'});
  if (n < 0) return status({error: 'base64'});
  if (next + n > size) return status({error: 'too long'});
  decode(o.data, true);
  next += n;
  if (next < size) return status({});
  active = false;
  let got = (crc ^ 0xffffffff) >>> 0;
  if (got !== want) return status({error: 'crc'});
  print('fw: image complete');
  MQTT.pub(dev + '/fw/status', JSON.stringify({done: true, crc: got}), 1);
}, null);
