/** The launcher is built and cached by herald itself (generator/dev); tests and the global setup share that build. */
export { ensureMockClusterBuilt } from '../../../generator/dev/mock-cluster-build.js';
