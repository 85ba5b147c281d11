// An ES module: top-level bindings live in the module environment, not on the global object.
import { format } from "node:util";

const greeting = "Hello";

export class Greeter {
  static #count = 0;
  greet(name) {
    Greeter.#count++;
    return format("%s, %s! (%d)", greeting, name, Greeter.#count);
  }
}

export default new Greeter();
