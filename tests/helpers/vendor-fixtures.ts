// Hand-built plate folders in each instrument's conventions, for scanner and ingest tests.
// Each writer creates one plate under `dir` and returns what it wrote (see Fixture in vendor/common.ts).
// Pixel values identify the channel: every image of channel c is pixelBase(c) plus a small x+y gradient.
export { expectedMean, fixturePixels, pixelBase, STAIN, writeImage, type Fixture, type FixtureChannel, type FixtureImage, type FixtureOptions } from './vendor/common.js';
export { writeImageXpressFixture, type ImageXpressOptions } from './vendor/imagexpress.js';
export { writePhenixFixture, type PhenixOptions } from './vendor/phenix.js';
export { writeCellVoyagerFixture, type CellVoyagerOptions } from './vendor/cellvoyager.js';
export { writeLoadDataFixture, type LoadDataOptions } from './vendor/loaddata.js';
