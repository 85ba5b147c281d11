import { greet } from './greet.js';
import counter from './counter.cjs';
export const message = greet('bundle') + ' ' + counter.next();
console.log(message);
