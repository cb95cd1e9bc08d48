// The interop flow suite (support/flows.ts) against aedes; its deviations: support/profiles.ts.
import { flowSuite } from "./support/flows";

flowSuite("aedes");
