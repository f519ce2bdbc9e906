// Shows a document's PDF with pdf.js: every page, where the signature and seal will go and,
// when the page has them, a toolbar (pages, zoom, print, download) and the clerk's placing
// of the number and date on the first page of a draft that has no blanks for them.
import * as pdfjs from "/static/pdfjs/pdf.min.mjs";

const box = document.getElementById("pdf-viewer");
const status = document.getElementById("pdf-status");
const bar = document.getElementById("pdf-toolbar");
const place = document.getElementById("issue-place");
pdfjs.GlobalWorkerOptions.workerSrc = box.dataset.worker;

const overlays = [...box.querySelectorAll(".overlay-spec")].map((el) => ({
  page: Number(el.dataset.page),
  rect: el.dataset.rect.split(",").map(Number),
  kind: el.dataset.kind,
  label: el.dataset.label,
}));

const MIN_SCALE = 0.25;
const MAX_SCALE = 4;
const ZOOM_STEP = 1.25;

const view = {
  doc: null,
  scale: 1,
  pages: [], // {wrap, viewport} per page, 1-based page n at n-1
  current: 1,
  generation: 0, // a newer render abandons an older one
  programmaticTop: -1, // the scroll position the toolbar set, not the reader
};

// fitScale is the scale at which a page fills the viewer's inner width, at most a
// comfortable 900 px.
function fitScale(page) {
  const style = getComputedStyle(box);
  const inner = box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  const width = Math.max(Math.min(inner || 600, 900), 200);
  return width / page.getViewport({ scale: 1 }).width;
}

async function render() {
  const generation = ++view.generation;
  const keep = view.current;
  const pages = [];
  const ratio = window.devicePixelRatio || 1;
  const fragment = document.createDocumentFragment();
  const drawn = [];
  for (let n = 1; n <= view.doc.numPages; n++) {
    const page = await view.doc.getPage(n);
    if (generation !== view.generation) return;
    const viewport = page.getViewport({ scale: view.scale });
    const wrap = document.createElement("div");
    wrap.className = "pdf-page";
    wrap.style.width = viewport.width + "px";
    wrap.style.height = viewport.height + "px";
    wrap.dataset.page = String(n);
    const canvas = document.createElement("canvas");
    canvas.width = Math.floor(viewport.width * ratio);
    canvas.height = Math.floor(viewport.height * ratio);
    canvas.style.width = viewport.width + "px";
    canvas.style.height = viewport.height + "px";
    wrap.appendChild(canvas);
    for (const o of overlays.filter((o) => o.page === n)) {
      wrap.appendChild(overlayBox(viewport, o));
    }
    fragment.appendChild(wrap);
    pages.push({ wrap, viewport });
    drawn.push({ page, canvas, viewport });
  }
  box.querySelectorAll(".pdf-page").forEach((el) => el.remove());
  box.appendChild(fragment);
  view.pages = pages;
  if (place) drawMarks();
  showZoom();
  goTo(keep);
  for (const { page, canvas, viewport } of drawn) {
    if (generation !== view.generation) return;
    await page.render({ canvasContext: canvas.getContext("2d"), canvas, viewport,
      transform: ratio !== 1 ? [ratio, 0, 0, ratio, 0, 0] : null }).promise;
  }
  box.dataset.rendered = String(view.doc.numPages);
  box.dataset.scale = view.scale.toFixed(3);
}

function overlayBox(viewport, o) {
  const [x1, y1, x2, y2] = viewport.convertToViewportRectangle(o.rect);
  const el = document.createElement("div");
  el.className = "overlay overlay-" + o.kind;
  el.style.left = Math.min(x1, x2) + "px";
  el.style.top = Math.min(y1, y2) + "px";
  el.style.width = Math.abs(x2 - x1) + "px";
  el.style.height = Math.abs(y2 - y1) + "px";
  el.textContent = o.label;
  return el;
}

// The toolbar.

function pageTop(n) {
  const page = view.pages[n - 1];
  if (!page) return 0;
  return page.wrap.getBoundingClientRect().top - box.getBoundingClientRect().top + box.scrollTop - 8;
}

function goTo(n) {
  if (!bar || !view.pages.length) return;
  view.current = Math.min(Math.max(n, 1), view.pages.length);
  box.scrollTop = Math.max(pageTop(view.current), 0);
  view.programmaticTop = box.scrollTop;
  showPage();
}

function showPage() {
  if (!bar) return;
  bar.querySelector("#pdf-page").textContent = String(view.current);
  bar.querySelector("#pdf-pages").textContent = String(view.pages.length);
  bar.querySelector("#pdf-prev").disabled = view.current <= 1;
  bar.querySelector("#pdf-next").disabled = view.current >= view.pages.length;
}

function showZoom() {
  if (!bar) return;
  bar.querySelector("#pdf-zoom").textContent = Math.round(view.scale * 100) + "%";
  bar.querySelector("#pdf-zoomout").disabled = view.scale <= MIN_SCALE;
  bar.querySelector("#pdf-zoomin").disabled = view.scale >= MAX_SCALE;
}

// The page the reader has scrolled to: the last whose top is above a third of the view.
function onScroll() {
  if (Math.abs(box.scrollTop - view.programmaticTop) < 2) return;
  view.programmaticTop = -1;
  let n = 1;
  for (let i = 1; i <= view.pages.length; i++) {
    if (pageTop(i) <= box.scrollTop + box.clientHeight / 3) n = i;
  }
  if (n !== view.current) {
    view.current = n;
    showPage();
  }
}

function zoom(scale) {
  view.scale = Math.min(Math.max(scale, MIN_SCALE), MAX_SCALE);
  return render();
}

// print lays the pages out at print resolution in a block the print style shows alone.
async function print(button) {
  button.disabled = true;
  const sheet = document.createElement("div");
  sheet.id = "pdf-print-sheet";
  try {
    for (let n = 1; n <= view.doc.numPages; n++) {
      const page = await view.doc.getPage(n);
      const viewport = page.getViewport({ scale: 150 / 72 });
      const canvas = document.createElement("canvas");
      canvas.width = Math.floor(viewport.width);
      canvas.height = Math.floor(viewport.height);
      await page.render({ canvasContext: canvas.getContext("2d"), canvas, viewport }).promise;
      const img = document.createElement("img");
      img.src = canvas.toDataURL("image/png");
      img.alt = "";
      sheet.appendChild(img);
    }
    document.body.appendChild(sheet);
    document.body.classList.add("printing");
    await Promise.all([...sheet.querySelectorAll("img")].map((img) => img.decode()));
    window.print();
  } finally {
    document.body.classList.remove("printing");
    sheet.remove();
    button.disabled = false;
  }
}

function wireToolbar() {
  box.classList.add("paged");
  bar.querySelector(".pdf-controls").hidden = false;
  bar.querySelector("#pdf-prev").addEventListener("click", () => goTo(view.current - 1));
  bar.querySelector("#pdf-next").addEventListener("click", () => goTo(view.current + 1));
  bar.querySelector("#pdf-zoomin").addEventListener("click", () => zoom(view.scale * ZOOM_STEP));
  bar.querySelector("#pdf-zoomout").addEventListener("click", () => zoom(view.scale / ZOOM_STEP));
  bar.querySelector("#pdf-fit").addEventListener("click", async () => zoom(fitScale(await view.doc.getPage(1))));
  const printButton = bar.querySelector("#pdf-print");
  printButton.addEventListener("click", () => print(printButton).catch((err) => console.warn("pdf print:", err && err.message)));
  box.addEventListener("scroll", onScroll, { passive: true });
}

// Placing the number and date: a click on the first page writes the point, in PDF points
// from the page's lower left corner, into the form's fields; the marks show where.

const fields = (what) => [place.querySelector(`[name=${what}_x]`), place.querySelector(`[name=${what}_y]`)];
let placing = "";

function choose(what) {
  placing = what;
  for (const b of place.querySelectorAll(".place-pick")) b.setAttribute("aria-pressed", String(b.dataset.what === what));
  box.classList.toggle("placing", what !== "");
}

function drawMarks() {
  const first = view.pages[0];
  if (!first) return;
  first.wrap.querySelectorAll(".place-mark").forEach((el) => el.remove());
  for (const b of place.querySelectorAll(".place-pick")) {
    const [fx, fy] = fields(b.dataset.what);
    if (fx.value === "" || fy.value === "") continue;
    const [x, y] = first.viewport.convertToViewportPoint(Number(fx.value), Number(fy.value));
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    const mark = document.createElement("div");
    mark.className = "place-mark place-" + b.dataset.what;
    mark.style.left = x + "px";
    mark.style.top = y + "px";
    mark.textContent = b.dataset.mark;
    first.wrap.appendChild(mark);
  }
}

function onPlace(event) {
  const first = view.pages[0];
  if (!placing || !first || !first.wrap.contains(event.target)) return;
  const r = first.wrap.getBoundingClientRect();
  const [x, y] = first.viewport.convertToPdfPoint(event.clientX - r.left, event.clientY - r.top);
  const [fx, fy] = fields(placing);
  fx.value = x.toFixed(1);
  fy.value = y.toFixed(1);
  drawMarks();
  // The number first, then the date: two clicks place both.
  choose(placing === "number" && fields("date")[0].value === "" ? "date" : "");
}

function wirePlacing() {
  for (const b of place.querySelectorAll(".place-pick")) {
    b.hidden = false;
    b.addEventListener("click", () => {
      choose(placing === b.dataset.what ? "" : b.dataset.what);
      goTo(1);
    });
  }
  place.addEventListener("input", drawMarks);
  box.addEventListener("click", onPlace);
  if (place.dataset.required === "true") choose("number");
}

async function show() {
  // A draft laid out but not stored yet comes inside the page (data-pdf, base64).
  const source = box.dataset.pdf
    ? { data: Uint8Array.from(atob(box.dataset.pdf), (c) => c.charCodeAt(0)) }
    : { url: box.dataset.src };
  view.doc = await pdfjs.getDocument({ ...source, isEvalSupported: false }).promise;
  status.remove();
  if (bar) wireToolbar();
  view.scale = fitScale(await view.doc.getPage(1));
  if (place) wirePlacing();
  await render();
}

show().catch((err) => {
  // Shown to the reader, not thrown: a damaged scan must not look like a broken page.
  status.textContent = box.dataset.failed;
  box.dataset.rendered = "failed";
  console.warn("pdf preview:", err && err.message);
});
