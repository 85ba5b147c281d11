// TypeScript: type annotations, interfaces and type parameters are types, not references to
// bindings, so only values appear in the model.
interface Shape {
  area(): number;
}

const PI: number = Math.PI;

class Circle implements Shape {
  #radius: number;
  constructor(radius: number) {
    this.#radius = radius;
  }
  area(): number {
    return PI * this.#radius ** 2;
  }
}

function largest<T extends Shape>(shapes: T[]): T | undefined {
  let best: T | undefined;
  shapes.forEach((s: T) => {
    if (!best || s.area() > best.area()) best = s;
  });
  return best;
}

export const biggest = largest([new Circle(1), new Circle(2)]);
