// mJS (Mongoose OS init.js) equivalent of apps/relays/main.ts, for comparison.
load('api_config.js');
load('api_gpio.js');
load('api_mqtt.js');

let dev = Cfg.get('device.id');
let pins = [16, 17, 18, 19], on = [0, 0, 0, 0];
for (let i = 0; i < 4; i++) GPIO.set_mode(pins[i], GPIO.MODE_OUTPUT);

function report(i) {
  MQTT.pub(dev + '/relay/' + JSON.stringify(i), on[i] ? 'on' : 'off', 1, true);
}

MQTT.sub(dev + '/relay/+/set', function(conn, topic, msg) {
  let i = topic.at(topic.length - 5) - 48;
  if (topic.length !== dev.length + 12 || i < 0 || i > 3) return print('no such relay:', topic);
  if (msg !== 'on' && msg !== 'off') return print('relay: expected on or off, got', msg);
  on[i] = msg === 'on' ? 1 : 0;
  GPIO.write(pins[i], on[i]);
  report(i);
}, null);

MQTT.setEventHandler(function(conn, ev) {
  if (ev === MQTT.EV_CONNACK) for (let i = 0; i < 4; i++) report(i);
}, null);
