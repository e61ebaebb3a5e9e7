// The permutation null must be reproducible from its seed.
export { mulberry32 as seededRandom } from '../util/random.js';
