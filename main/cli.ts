#!/usr/bin/env node
// The `micon` command line: the same core the app uses, scriptable. See DESIGN.md "CLI contract".
import { Command, Option } from 'commander';
import { runBackbone } from './cli/backbone.js';
import { runCrossValidate } from './cli/cross-validate.js';
import { runDemo, runDemoData } from './cli/demo.js';
import { runDoctor } from './cli/doctor.js';
import { runEmbed, runEval } from './cli/embed-eval.js';
import { runIngest } from './cli/ingest.js';
import { runExport, runImportProfiles } from './cli/profiles.js';
import { fail } from './cli/output.js';
import { runQueryCli } from './cli/query.js';
import { runServe } from './cli/serve.js';
import { defineTrainCommand } from './cli/train.js';
import { runTune } from './cli/tune.js';
import { runSplit } from './cli/split.js';
import { ExecutionProvider, ModelKind } from './core/ml/kinds.js';

// Inference options of `embed` and `backbone` (ml/onnx-embed.ts): one provider instead of the fastest that loads.
const executionProviderOption = () =>
  new Option('--execution-provider <name>', 'run ONNX Runtime on this execution provider only (default: the first that loads of cuda, dml/coreml, webgpu, cpu)').choices(ExecutionProvider.options);
const ALLOW_SOFTWARE_GPU = 'let the webgpu execution provider run on a software adapter (SwiftShader, lavapipe, WARP): far slower than cpu, for tests';

const program = new Command('micon')
  .description('MICON Studio command line: ingest Cell Painting plates, train and query MICON')
  .exitOverride()
  .showHelpAfterError();

program
  .command('doctor')
  .description('list compute backends and native components, and what is missing')
  .option('--json', 'print one JSON object')
  .action((o) => runDoctor(o));

program
  .command('demo-data')
  .description('write the generated demo screen (two sources, vendor layouts, platemaps, ground truth)')
  .requiredOption('--out <dir>', 'output folder')
  .addOption(new Option('--size <size>', 'screen size').choices(['small', 'default']).default('default'))
  .option('--seed <n>', 'random seed', '1')
  .option('--json', 'print one JSON object')
  .action((o) => runDemoData(o));

program
  .command('demo')
  .description('the main job end to end on a freshly generated demo screen')
  .option('--out <dir>', 'working folder', 'demo-out')
  .addOption(new Option('--size <size>', 'screen size').choices(['small', 'default']).default('default'))
  .option('--json', 'print one JSON object')
  .action((o) => runDemo(o));

program
  .command('ingest')
  .description('import a plate folder (ImageXpress, Opera Phenix/Operetta, CellVoyager, LoadData CSV) into a project')
  .argument('<folder>', 'plate folder, or a folder holding several')
  .requiredOption('--db <file>', 'project file (.micon), created if missing')
  .option('--platemap <csv>', 'platemap: well → compound, SMILES, concentration, control type')
  .option('--source <name>', 'source (centre/lab) for plates not in --plate-meta')
  .option('--batch <name>', 'batch for plates not in --plate-meta')
  .option('--plate-meta <csv>', 'plate → source, batch, replicate')
  .option('--channels <map>', 'explicit channel mapping when names cannot be resolved, e.g. "1=DNA,2=ER,3=RNA,4=AGP,5=Mito"')
  .option('--cache-size <px>', 'side of the cached array per site (thumbnails, heatmaps, CNN input); kept as the project setting (default 64)')
  .option('--allow-conflicts', 'import a platemap that gives a compound id two different structures, keeping the first (refused otherwise)')
  .option('--json', 'print one JSON object')
  .action(async (folder, o) => {
    await runIngest(folder, o);
  });

// Its options are ml/train-params.ts's TrainParams, one flag per field (cli/train.ts).
defineTrainCommand(program.command('train'));

program
  .command('backbone')
  .description('embed every site through a frozen imported ONNX model (CNN/ViT) and store it as a feature set (profiles, eval, train --features)')
  .argument('<file>', 'ONNX model with one image input [N, C, H, W], C = 5, 1 or 3 (1 and 3: run per channel, outputs concatenated)')
  .requiredOption('--db <file>', 'project file (.micon)')
  .option('--name <name>', 'feature set name (default: backbone:<file stem>)')
  .option('--input-size <px>', 'image side when the model\'s spatial dims are dynamic (default: the CNN encoder\'s input size)')
  .addOption(new Option('--normalize <how>', 'scale the 0..1 images with ImageNet mean/std (RGB models)').choices(['none', 'imagenet']).default('none'))
  .addOption(executionProviderOption())
  .option('--allow-software-gpu', ALLOW_SOFTWARE_GPU)
  .option('--json', 'print one JSON object')
  .action((file, o) => runBackbone(file, o));

program
  .command('embed')
  .description('embed every site with each trained model (and its untrained twin) and the hand-crafted features; fair baselines; normalised well profiles')
  .requiredOption('--db <file>', 'project file (.micon)')
  .addOption(new Option('--normalize <ref>', "per-plate reference of the robust MAD (kept in the project for later builds)").choices(['dmso', 'all']))
  .option('--whiten-ridge <x>', 'ZCA ridge relative to the mean eigenvalue of the control covariance (default 0.1)')
  .addOption(new Option('--batch-correct <how>', 'batch correction after sphering').choices(['none', 'harmony']))
  .addOption(new Option('--harmony-by <level>', 'what Harmony removes').choices(['plate', 'batch', 'source']))
  .addOption(executionProviderOption())
  .option('--allow-software-gpu', ALLOW_SOFTWARE_GPU)
  .option('--json', 'print one JSON object')
  .action((o) => runEmbed(o));

program
  .command('eval')
  .description('NSB/NSS retrieval and mAP for every feature set, held-out compounds apart from trained ones')
  .requiredOption('--db <file>', 'project file (.micon)')
  .option('--permutations <n>', 'permutations for the mAP significance null', '1000')
  .addOption(new Option('--replicates <key>', 'what makes two wells replicates').choices(['compound', 'compound-dose']).default('compound'))
  .option('--resamples <n>', 'compound-bootstrap resamples for the 95 % intervals (0: none)', '1000')
  .option('--no-zero-shot', 'skip retrieving held-out compounds from their SMILES through the micon models')
  .option('--json', 'print one JSON object')
  .action((o) => runEval(o));

program
  .command('split')
  .description('hold compounds out of training so evaluation can judge the model on compounds it never saw')
  .requiredOption('--db <file>', 'project file (.micon)')
  .option('--holdout-fraction <x>', 'fraction of treated compounds (with replicates) to hold out', undefined)
  .option('--holdout-compounds <file>', 'file with one compound id per line to hold out')
  .option('--folds <k>', 'k-fold over compounds (with --fold): hold out one of k parts')
  .option('--fold <i>', 'which part to hold out, 1..k', '1')
  .option('--seed <n>', 'random seed', '1')
  .option('--json', 'print one JSON object')
  .action((o) => {
    if (o.folds === undefined) delete o.fold;
    if (o.holdoutFraction === undefined && !o.holdoutCompounds && o.folds === undefined) o.holdoutFraction = '0.25';
    runSplit(o);
  });

program
  .command('tune')
  .description('choose a training setting on validation folds of the training compounds (nested: held-out compounds are never used)')
  .requiredOption('--db <file>', 'project file (.micon), with a split; it is not modified')
  .addOption(new Option('--model <kind>', 'objective').choices(ModelKind.options).default('micon'))
  .option('--temperatures <list>', 'SupCon temperatures to compare, e.g. 0.1,1')
  .option('--forms <list>', 'counterfactual forms to compare: ours,reference')
  .option('--folds <k>', 'validation folds over the training compounds', '3')
  .option('--seed <n>', 'seed for the folds and training', '1')
  .option('--steps <n>', 'training steps per run (default: the training default)')
  .option('--json', 'print one JSON object')
  .action((o) => runTune(o));

program
  .command('cross-validate')
  .description('k-fold over compounds: hold each compound out once, retrain micon/image_only/clip per fold on a copy of the project, pool the held-out numbers')
  .requiredOption('--db <file>', 'project file (.micon), ingested; it is not modified')
  .option('--folds <k>', 'number of folds', '3')
  .option('--seed <n>', 'seed for the fold assignment and training', '1')
  .option('--steps <n>', 'training steps per model (default: the training default)')
  .option('--permutations <n>', 'mAP permutation null size per compound', '100')
  .option('--json', 'print one JSON object')
  .action((o) => runCrossValidate(o));

program
  .command('import-profiles')
  .description('import CellProfiler/pycytominer profiles (CSV, CSV.gz or Parquet with Metadata_Plate/Metadata_Well) as a feature set')
  .argument('<file>', 'profile table: one row per well (or per cell/site: averaged per well)')
  .requiredOption('--db <file>', 'project file (.micon)')
  .option('--name <name>', 'feature set name', 'cellprofiler')
  .option('--replace', 'replace an imported feature set of the same name')
  .option('--allow-unmatched', 'skip rows whose plate or well is not in the project instead of refusing the file')
  .option('--create-plates', 'create the plates, wells, compounds, batches and sources the table names (a profiles-first project; the project file is created if needed)')
  .option('--columns <roles>', 'column per role where the names are not recognised: well=…,plate=…,compound=…,smiles=…,control=…,batch=…,source=…,moa=…,concentration=…')
  .option('--compounds <file>', "side table of compounds (id or name, SMILES, MoA, target) joined on compound id, else name; fills what the profile table lacks (with --create-plates, the one such CSV next to the table is used unless 'none')")
  .option('--json', 'print one JSON object')
  .action((file, o) => runImportProfiles(file, o));

program
  .command('export')
  .description('write one feature set\'s well profiles pycytominer-style: Metadata_* columns, then features (CSV or Parquet)')
  .requiredOption('--db <file>', 'project file (.micon)')
  .requiredOption('--out <file>', 'output file (.csv, .csv.gz or .parquet); written atomically')
  .addOption(new Option('--format <fmt>', 'file format (default: from the --out extension)').choices(['csv', 'parquet']))
  .option('--features <name>', 'feature set (default: micon, else handcrafted, else the first with profiles)')
  .addOption(new Option('--raw', 'raw well means instead of normalised profiles').conflicts('normalized'))
  .option('--normalized', 'per-plate MAD vs DMSO + ZCA-sphered profiles (the default)')
  .option('--json', 'print one JSON object')
  .action((o) => runExport(o));

program
  .command('query')
  .description('wells like a well, a screened compound (each replicate and their mean) or an unseen SMILES (MICON counterfactual head): exact cosine top-k with p-values')
  .requiredOption('--db <file>', 'project file (.micon)')
  .option('--compound <text>', 'screened compound: id, name or SMILES')
  .option('--smiles <smiles>', 'any structure: its profile is predicted by the trained micon model')
  .option('--well <plate:well>', 'a well, e.g. P1:A01 (A1 works too)')
  .option('--k <n>', 'results per query', '10')
  .option('--features <name>', 'feature set (default: micon, else handcrafted)')
  .option('--exclude <which>', 'leave out wells on the query\'s same-plate | same-batch | same-source')
  .option('--sources <list>', 'only these sources (comma-separated)')
  .option('--batches <list>', 'only these batches (comma-separated)')
  .option('--plates <list>', 'only these plates (comma-separated)')
  .option('--include-controls', 'return DMSO and empty wells too')
  .option('--min-conc <x>', 'only wells at this concentration or above')
  .option('--max-conc <x>', 'only wells at this concentration or below')
  .option('--out <file>', 'also write the results as a table (.csv, .csv.gz or .parquet; Metadata_* columns, then rank, similarity, p, is_replicate)')
  .option('--json', 'print one JSON object')
  .action((o) => runQueryCli(o));

program
  .command('serve')
  .description('browser mode: serve the app UI on 127.0.0.1 with a per-launch token')
  .requiredOption('--db <file>', 'project file (.micon)')
  .option('--port <n>', 'port (0 = any free port)', '0')
  .option('--allow <folder>', 'a folder the page may browse and import from, besides the project\'s own folder (repeat for more; also MICON_ALLOWED_FOLDERS)', (v: string, prev: string[]) => [...prev, v], [] as string[])
  .action((o) => runServe(o));

program.parseAsync(process.argv).catch(fail);
