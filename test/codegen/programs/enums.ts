// Enums with explicit values, as params, fields, returns, in comparisons and
// arithmetic; the C typedef is the smallest integer type that holds them.
import { printInt, printStr, printLn, i32, u8, bool } from "../../../ts-src/rt/rt";

export enum QoS { AtMostOnce = 0, AtLeastOnce = 1, ExactlyOnce = 2 }
enum Signed { Low = -3, Mid = 0, High = 300 }
enum Wide { Max = 70000 }

class Msg {
  qos: QoS = QoS.AtLeastOnce;
  sig: Signed = Signed.Low;
}

const msg = new Msg();

function needsAck(q: QoS): bool {
  return q !== QoS.AtMostOnce;
}

function upgrade(q: QoS): QoS {
  if (q === QoS.AtMostOnce) return QoS.AtLeastOnce;
  return QoS.ExactlyOnce;
}

export function main(): void {
  printStr("values "); printInt(QoS.AtMostOnce); printStr(" "); printInt(QoS.ExactlyOnce); printStr(" ");
  printInt(Signed.Low); printStr(" "); printInt(Signed.High); printStr(" "); printInt(Wide.Max); printLn();
  printStr("field "); printInt(msg.qos); printStr(" "); printInt(msg.sig); printLn();
  msg.qos = upgrade(msg.qos);
  msg.sig = Signed.High;
  printStr("after "); printInt(msg.qos); printStr(" "); printInt(msg.sig); printLn();
  printStr("ack "); printStr(needsAck(QoS.AtMostOnce) ? "y" : "n"); printStr(needsAck(msg.qos) ? "y" : "n"); printLn();
  const asInt: i32 = msg.sig;
  printStr("arith "); printInt(asInt + Signed.Low); printStr(" "); printInt(msg.qos * 10); printLn();
  printStr("cmp "); printStr(Signed.Low < Signed.Mid ? "lt" : "ge"); printStr(msg.qos > QoS.AtLeastOnce ? " gt" : " le"); printLn();
  const b: u8 = u8(Wide.Max);
  printStr("wrapped "); printInt(b); printLn();
}
