// The interop flow suite (support/flows.ts) against rabbitmq; its deviations: support/profiles.ts.
import { flowSuite } from "./support/flows";

flowSuite("rabbitmq");
