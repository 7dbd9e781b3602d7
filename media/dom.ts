// What both webviews build their pages with: an element by id, and new HTML and SVG elements
// with attributes and text. Text goes in as textContent: data, never markup.

export const $ = (id: string) => document.getElementById(id)!;

function withAttributes<E extends Element>(e: E, attributes: Record<string, string | number>): E {
  for (const [k, v] of Object.entries(attributes)) e.setAttribute(k, String(v));
  return e;
}

export function el(tag: string, attributes: Record<string, string | number> = {}, text = ''): HTMLElement {
  const e = withAttributes(document.createElement(tag), attributes);
  e.textContent = text;
  return e;
}

export function svg(tag: string, attributes: Record<string, string | number> = {}, text = ''): SVGElement {
  const e = withAttributes(document.createElementNS('http://www.w3.org/2000/svg', tag), attributes);
  e.textContent = text;
  return e;
}
