// The interop flow suite (support/flows.ts) against mosquitto; its deviations: support/profiles.ts.
import { flowSuite } from "./support/flows";

flowSuite("mosquitto");
