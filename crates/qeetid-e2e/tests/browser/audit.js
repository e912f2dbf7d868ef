// What keeps a page from working on a phone or from being read: sideways scrolling,
// text below WCAG AA contrast (4.5:1, 3:1 for large text) and form controls whose
// edge is below 3:1 against what is around them (WCAG 1.4.11), and a page without
// exactly one <h1>. Answers a JSON list.
(() => {
  const problems = [];
  const root = document.documentElement;
  const headings = document.querySelectorAll("h1").length;
  if (headings !== 1) problems.push(`has ${headings} <h1> headings (one names the page)`);
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + (typeof el.className === "string" && el.className ? "." + el.className.trim().split(/\s+/).join(".") : "");
  if (root.scrollWidth > root.clientWidth) {
    const wide = [...document.querySelectorAll("body *")]
      .filter((e) => e.getBoundingClientRect().right > root.clientWidth + 1)
      .slice(-4).map(describe);
    problems.push(`scrolls sideways: ${root.scrollWidth}px wide on a ${root.clientWidth}px screen (${wide.join(", ")})`);
  }
  for (const el of document.querySelectorAll("body *")) {
    const overflow = getComputedStyle(el).overflowX;
    if ((overflow === "auto" || overflow === "scroll") && el.scrollWidth > el.clientWidth + 1 && el.tagName !== "TEXTAREA") {
      problems.push(`scrolls sideways inside ${describe(el)}: ${el.scrollWidth}px in ${el.clientWidth}px`);
    }
  }
  const parse = (c) => {
    const m = /rgba?\(([^)]+)\)/.exec(c || "");
    if (!m) return null;
    const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  };
  const over = (top, under) => ({
    r: top.r * top.a + under.r * (1 - top.a), g: top.g * top.a + under.g * (1 - top.a),
    b: top.b * top.a + under.b * (1 - top.a), a: 1,
  });
  const luminance = ({ r, g, b }) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const ratio = (x, y) => { const [hi, lo] = [luminance(x), luminance(y)].sort((p, q) => q - p); return (hi + 0.05) / (lo + 0.05); };
  const canvas = parse(getComputedStyle(document.body).backgroundColor) || { r: 255, g: 255, b: 255, a: 1 };
  const behind = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; }
    }
    return layers.reverse().reduce((under, top) => over(top, under), { ...canvas, a: 1 });
  };
  const shown = (el) => {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return box.width > 1 && box.height > 1 && style.visibility !== "hidden" && style.opacity !== "0";
  };
  for (const el of document.querySelectorAll("body *")) {
    if (!shown(el) || el.closest("svg")) continue;
    const style = getComputedStyle(el);
    const text = [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent.trim()).join(" ").trim();
    const field = ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName) && el.type !== "checkbox" && el.type !== "radio";
    const bg = behind(el);
    if (text || (field && el.value)) {
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (parseInt(style.fontWeight, 10) >= 700 && size >= 18.66);
      const need = large ? 3 : 4.5;
      const fg = parse(style.color);
      const got = fg ? ratio(over(fg, bg), bg) : 21;
      if (got < need - 0.01) problems.push(`text at ${got.toFixed(2)}:1 (needs ${need}) in ${describe(el)}: "${(text || el.value).slice(0, 40)}"`);
    }
    if (field || el.tagName === "BUTTON" || (el.tagName === "A" && el.classList.contains("button"))) {
      const around = behind(el.parentElement);
      const own = parse(style.backgroundColor);
      const border = parse(style.borderTopColor);
      let edge = 1;
      if (parseFloat(style.borderTopWidth) > 0 && border && border.a > 0) {
        edge = Math.max(edge, ratio(over(border, around), around), ratio(over(border, around), bg));
      }
      if (own && own.a > 0) edge = Math.max(edge, ratio(over(own, around), around));
      if (edge < 3 - 0.01) problems.push(`control edge at ${edge.toFixed(2)}:1 (needs 3) in ${describe(el)}`);
    }
  }
  return JSON.stringify(problems);
})()
