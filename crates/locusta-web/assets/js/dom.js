// Small DOM and formatting helpers. Text always goes in through `textContent`: nothing from
// the server (request names, error messages, tracebacks) is ever parsed as HTML.

/** The element with `id`; throws if the page lacks it, so a typo fails loudly. */
export function byId(id) {
  const element = document.getElementById(id);
  if (!element) {
    throw new Error(`the page has no #${id}`);
  }
  return element;
}

/** A new `tag` element with optional class and text, and the given children. */
export function el(tag, { className, text, title } = {}, children = []) {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined && text !== null) element.textContent = String(text);
  if (title) element.title = title;
  element.append(...children);
  return element;
}

/** Sets the text of the element with `id`. */
export function setText(id, text) {
  byId(id).textContent = String(text);
}

const wholeNumber = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const twoDecimals = new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 });
const oneDecimal = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });

/** `1,234` */
export function formatInteger(value) {
  return wholeNumber.format(Math.round(Number(value) || 0));
}

/** At most two decimals, as Locust's UI rounds: `7.64`, `11`. */
export function formatDecimal(value) {
  return twoDecimals.format(Number(value) || 0);
}

/** A ratio (0..1) as a percentage with at most one decimal: `27.8%`. */
export function formatPercent(ratio) {
  return `${oneDecimal.format((Number(ratio) || 0) * 100)}%`;
}

const fixedOneDecimal = new Intl.NumberFormat("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** A rate with exactly one decimal, so the header keeps its width: `15.3`, `9.0`. */
export function formatRate(value) {
  return fixedOneDecimal.format(Number(value) || 0);
}

const BYTE_UNITS = ["B", "KiB", "MiB", "GiB", "TiB"];

/** A size in bytes with a binary unit and at most one decimal: `512 B`, `48.3 MiB`. */
export function formatBytes(bytes) {
  let value = Math.max(0, Number(bytes) || 0);
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${oneDecimal.format(value)} ${BYTE_UNITS[unit]}`;
}
