// The interop flow suite (support/flows.ts) against activemq; its deviations: support/profiles.ts.
import { flowSuite } from "./support/flows";

flowSuite("activemq");
