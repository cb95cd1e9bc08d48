// mJS (Mongoose OS init.js) equivalent of apps/telemetry/main.ts, for comparison.
load('api_config.js');
load('api_mqtt.js');

let dev = Cfg.get('device.id');
let win = [0, 0, 0, 0], n = 0, threshold = 50;

MQTT.setEventHandler(function(conn, ev) {
  if (ev === MQTT.EV_CONNACK) MQTT.pub(dev + '/status', 'online', 1);
}, null);

MQTT.sub(dev + '/sim', function(conn, topic, msg) {
  let v = JSON.parse(msg).v;
  win[n % 4] = v;
  n++;
  let k = n < 4 ? n : 4, sum = 0;
  for (let i = 0; i < k; i++) sum += win[i];
  let avg = (sum - sum % k) / k;
  MQTT.pub(dev + '/telemetry', JSON.stringify({v: v, avg: avg}), 1);
  if (avg > threshold) MQTT.pub(dev + '/alert', JSON.stringify({avg: avg, threshold: threshold}), 1);
}, null);

MQTT.sub(dev + '/threshold/set', function(conn, topic, msg) {
  let t = JSON.parse(msg).threshold;
  if (typeof t !== 'number') return print('threshold: expected {"threshold":N}');
  threshold = t;
  MQTT.pub(dev + '/threshold', JSON.stringify({threshold: t}), 1, true);
}, null);
