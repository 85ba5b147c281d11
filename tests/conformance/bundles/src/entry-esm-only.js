import { greet } from './greet.js';
export const message = greet('bundle');
export function shout() { return message.toUpperCase(); }
console.log(shout());
