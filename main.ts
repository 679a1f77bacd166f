import { App } from 'cdktf';
import { readOptions } from './lib/config';
import { addSampleStacks } from './stacks';

const app = new App();
addSampleStacks(app, readOptions(app));
app.synth();
