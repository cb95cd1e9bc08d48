// An app entry without `export function init(): void`: the app build refuses it.
import { u32 } from "../../../ts-src/rt/rt";

export function start(n: u32): void {
}
