import { App } from 'cdktf';
import { readOptions } from './lib/config';
import { Method1SampleStack } from './stacks/method1-sample';
import { Method2SampleStack } from './stacks/method2-sample';

const app = new App();
const options = readOptions(app);
new Method1SampleStack(app, options);
new Method2SampleStack(app, options);
app.synth();
