/* The WardLens map as a Streamlit component (ui/wardmap.py): drawn in the page itself, no iframe.
 * Loads Leaflet and the app's map script and styles once a page from the app's static folder,
 * then hands the map document (layers/mapview.py map_document) to WardLens.mount. A click on the
 * map comes back to Python as the trigger value "click" ({lat, lng}); a reporter part ({report: name},
 * drawn on a session's first page only) sends the trigger "drawn" once that map is painted, or could
 * not load, and so asks the server for the rest of the page. */
/* The document as sent: bytes of JSON (a map) or an object already parsed (a selection). */
function parse(data) {
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) { return JSON.parse(new TextDecoder().decode(data)); }
  return typeof data === 'string' ? JSON.parse(data) : data;
}

/* Leaflet, the map script and their styles, once a page; resolved when all have loaded, so the map is
 * made at the size its styles give it (a shorter map on a phone, wardlens.css). */
function load(base) {
  const pending = window.wardLensAssets = window.wardLensAssets || {};
  if (!pending[base]) {
    const styles = [`${base}/vendor/leaflet/leaflet.css`, `${base}/wardlens/wardlens.css`].map((href) => {
      const link = document.createElement('link');
      link.rel = 'stylesheet';
      link.href = href;
      return link;
    });
    const scripts = [`${base}/vendor/leaflet/leaflet.js`, `${base}/wardlens/wardlens.js`].map((src) => {
      const script = document.createElement('script');
      script.src = src;
      script.async = false;  /* fetched at once, run in order: Leaflet first */
      return script;
    });
    pending[base] = Promise.all([...styles, ...scripts].map((element) => new Promise((resolve, reject) => {
      element.onload = resolve;
      element.onerror = () => reject(new Error(`The map could not load ${element.href || element.src}`));
      document.head.appendChild(element);
    })));
  }
  return pending[base];
}

/* Maps drawn on the page by name, and the ward each should outline (set by the selection part). */
const maps = window.wardLensMaps = window.wardLensMaps || { boxes: {}, selected: {}, applied: {}, drawn: {},
                                                              reported: {} };

/* A promise that settles once the map named `name` is drawn, or has failed to load. */
function drawn(name) {
  if (!maps.drawn[name]) {
    let settle;
    maps.drawn[name] = new Promise((resolve) => { settle = resolve; });
    maps.drawn[name].settle = settle;
  }
  return maps.drawn[name];
}

/* Four parts, one component: a map document draws the map named doc.name; a selection document
 * ({map, select, seq}) outlines a ward on it, so moving the selection sends a few bytes, not the map;
 * a reporter ({report: name}) tells the server, once, when that map has been painted; a revealer
 * ({reveal: id, seq}) scrolls the page to the element with that id, once per seq. */
export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  const doc = parse(data);
  if ('report' in doc) {
    if (!maps.reported[doc.report]) {
      maps.reported[doc.report] = true;
      /* After the frame that shows the map: a rerun's elements then cannot delay its first paint. */
      drawn(doc.report).then(() => requestAnimationFrame(() => setTimeout(() => setTriggerValue('drawn', true))));
    }
    return;
  }
  if ('reveal' in doc) {  /* once per pick: a rerun draws the same part again */
    const stamp = `${doc.reveal}:${doc.seq}`;
    if (maps.revealed !== stamp) {
      maps.revealed = stamp;
      requestAnimationFrame(() => document.getElementById(doc.reveal)?.scrollIntoView({ block: 'start' }));
    }
    return;
  }
  if ('select' in doc) {
    const stamp = `${doc.select}:${doc.seq}`;
    if (maps.applied[doc.map] === stamp) { return; }  /* a rerun: the reader may have clicked another ward since */
    maps.applied[doc.map] = stamp;
    maps.selected[doc.map] = doc.select;
    const box = maps.boxes[doc.map];
    if (box && window.WardLens) { window.WardLens.select(box, doc.select); }
    return;
  }
  let box = parentElement.querySelector('.wl-map');
  if (!box) {
    box = document.createElement('div');
    box.className = 'wl-map';
    box.style.height = `${doc.height}px`;
    parentElement.appendChild(box);
  }
  const onClick = doc.clickable ? (lat, lng) => setTriggerValue('click', { lat, lng }) : null;
  load(doc.frame.static).then(() => {
    maps.boxes[doc.name] = box;
    window.WardLens.mount(box, doc, onClick, maps.selected[doc.name]);
  }).catch((error) => { box.textContent = error.message; }).finally(() => drawn(doc.name).settle());
}
