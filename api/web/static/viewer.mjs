// Shows a document's PDF with pdf.js and draws where the signature and seal will go.
import * as pdfjs from "/static/pdfjs/pdf.min.mjs";

const box = document.getElementById("pdf-viewer");
const status = document.getElementById("pdf-status");
pdfjs.GlobalWorkerOptions.workerSrc = box.dataset.worker;

const overlays = [...box.querySelectorAll(".overlay-spec")].map((el) => ({
  page: Number(el.dataset.page),
  rect: el.dataset.rect.split(",").map(Number),
  kind: el.dataset.kind,
  label: el.dataset.label,
}));

async function show() {
  const doc = await pdfjs.getDocument({ url: box.dataset.src, isEvalSupported: false }).promise;
  status.remove();
  // The viewer's inner width (it has 1rem of padding each side), at most a comfortable page.
  const style = getComputedStyle(box);
  const inner = box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  const width = Math.max(Math.min(inner || 600, 900), 200);
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n);
    const base = page.getViewport({ scale: 1 });
    const viewport = page.getViewport({ scale: width / base.width });
    const ratio = window.devicePixelRatio || 1;
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
    box.appendChild(wrap);
    const ctx = canvas.getContext("2d");
    await page.render({ canvasContext: ctx, canvas, viewport, transform: ratio !== 1 ? [ratio, 0, 0, ratio, 0, 0] : null }).promise;
    for (const o of overlays.filter((o) => o.page === n)) {
      const [x1, y1, x2, y2] = viewport.convertToViewportRectangle(o.rect);
      const el = document.createElement("div");
      el.className = "overlay overlay-" + o.kind;
      el.style.left = Math.min(x1, x2) + "px";
      el.style.top = Math.min(y1, y2) + "px";
      el.style.width = Math.abs(x2 - x1) + "px";
      el.style.height = Math.abs(y2 - y1) + "px";
      el.textContent = o.label;
      wrap.appendChild(el);
    }
  }
  box.dataset.rendered = String(doc.numPages);
}

show().catch((err) => {
  // Shown to the reader, not thrown: a damaged scan must not look like a broken page.
  status.textContent = box.dataset.failed;
  box.dataset.rendered = "failed";
  console.warn("pdf preview:", err && err.message);
});
