// Worker-thread entry for `circa sweep --synth`: worker threads do not share
// the parent's TypeScript loader, so register tsx here, then load the worker.
import { register } from 'tsx/esm/api';

register();
await import('./sweep-worker.ts');
