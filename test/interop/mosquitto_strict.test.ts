// The interop flow suite (support/flows.ts) against mosquitto-strict; its deviations: support/profiles.ts.
import { flowSuite } from "./support/flows";

flowSuite("mosquitto-strict");
