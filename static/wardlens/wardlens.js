/* WardLens map layers for Leaflet: the ward choropleth with its outlines and legend, LAD lines,
 * and the selected ward. Fed by the payloads of layers/mappayload.py (named fields, see MapPayload);
 * every text in a payload is already HTML-escaped on the Python side. */
(function (root) {
  'use strict';
  var WL = root.WardLens = root.WardLens || {};
  /* Maps narrower than this (px) are on a phone: the legend starts collapsed. */
  var PHONE_WIDTH = 440;
  /* An area of at most this many wards (a place) has its ward names written from the zoom it is
   * first shown at, if that is further out than the usual zoom for ward names. */
  var FEW_WARDS = 40;
  /* How long the "two fingers" hint stays after a one-finger swipe over the map. */
  var HINT_SECONDS = 1.5;

  /* Decode one Google encoded polyline to [[lat, lng], ...]; f = 10 ** precision. */
  WL.decode = function (s, f) {
    var p = [], i = 0, a = 0, o = 0;
    while (i < s.length) {
      var b, h = 0, r = 0;
      do { b = s.charCodeAt(i++) - 63; r |= (b & 31) << h; h += 5; } while (b >= 32);
      a += (r & 1) ? ~(r >> 1) : (r >> 1);
      h = 0; r = 0;
      do { b = s.charCodeAt(i++) - 63; r |= (b & 31) << h; h += 5; } while (b >= 32);
      o += (r & 1) ? ~(r >> 1) : (r >> 1);
      p.push([a / f, o / f]);
    }
    return p;
  };

  /* The hatch that marks suppressed small counts (fill "url(#wl-suppressed)"), defined once a page. */
  function definePatterns() {
    if (document.getElementById('wl-patterns')) { return; }
    var defs = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    defs.setAttribute('id', 'wl-patterns');
    defs.setAttribute('style', 'position:absolute;width:0;height:0');
    defs.innerHTML = '<defs><pattern id="wl-suppressed" patternUnits="userSpaceOnUse" width="5" height="5" ' +
      'patternTransform="rotate(45)"><rect width="5" height="5" fill="#f7f7f7"/>' +
      '<rect width="1.6" height="5" fill="#737373"/></pattern></defs>';
    document.body.appendChild(defs);
  }

  function outline(ll, pane, colour, weight, extra) {
    return L.polygon(ll, L.extend({pane: pane, fill: false, color: colour, weight: weight, interactive: false},
                                  extra || {}));
  }

  /* Names written on the map (non-interactive, in the 'labels' pane), from minZoom. All of a map's
   * names are placed together, layer by layer in the order of rank (wards 0, target wards first;
   * local authorities 1): a name that would overlap one placed before it is hidden at that zoom, so
   * close in, where ward names show, a council's name gives way to its wards' (the tooltip names it). */
  function nameLayer(map, names, minZoom, className, rank) {
    var group = L.layerGroup();
    group.wlRank = rank;
    group.wlMinZoom = minZoom;
    group.wlMarkers = names.map(function (n) {
      return L.marker([n[1], n[2]], {pane: 'labels', interactive: false, keyboard: false,
        icon: L.divIcon({className: className, html: '<span>' + n[0] + '</span>', iconSize: null})});
    });
    group.on('add', function () {
      nameLayers(map).push(group);
      nameLayers(map).sort(function (a, b) { return a.wlRank - b.wlRank; });
      declutter(map);
    });
    group.on('remove', function () { nameLayers(map).splice(nameLayers(map).indexOf(group), 1); });
    return group;
  }

  /* The map's name layers, by rank; they are placed again after every move and zoom. */
  function nameLayers(map) {
    if (!map.wlNames) {
      map.wlNames = [];
      map.on('zoomend moveend', function () { declutter(map); });
    }
    return map.wlNames;
  }

  function declutter(map) {
    var placed = [], bounds = map.getBounds().pad(0.1), zoom = map.getZoom();
    nameLayers(map).forEach(function (group) {
      group.wlMarkers.forEach(function (m) {
        var show = zoom >= group.wlMinZoom && bounds.contains(m.getLatLng());
        if (show && !group.hasLayer(m)) { group.addLayer(m); }
        if (!show && group.hasLayer(m)) { group.removeLayer(m); }
        if (!show) { return; }
        var el = m.getElement().firstChild, r = el.getBoundingClientRect();
        var clash = placed.some(function (p) {
          return r.left < p.right + 4 && r.right + 4 > p.left && r.top < p.bottom + 2 && r.bottom + 2 > p.top;
        });
        el.style.visibility = clash ? 'hidden' : 'visible';
        if (!clash) { placed.push(r); }
      });
    });
  }

  WL.placeNames = function (map, labels, minZoom) {
    if (!map.getPane('labels')) {
      map.createPane('labels');
      map.getPane('labels').style.zIndex = 450;
      map.getPane('labels').style.pointerEvents = 'none';
    }
    map.whenReady(function () { nameLayer(map, labels, minZoom, 'wl-place', 1).addTo(map); });
  };

  /* A line on the map when the background tiles cannot load (e.g. offline), once. */
  WL.tileNotice = function (map, tiles) {
    tiles.once('tileerror', function () {
      var note = L.control({position: 'topright'});
      note.onAdd = function () {
        var div = L.DomUtil.create('div', 'wl-notice');
        div.setAttribute('role', 'status');
        div.textContent = 'The OpenStreetMap background could not load (no internet connection?). ' +
          'The wards and their colours are unaffected.';
        return div;
      };
      note.addTo(map);
    });
  };

  /* A 3 x 3 bivariate key (layers/bivariate.py BivariateKey): a table with a caption, rows from the
   * worst outcome third down, columns from the least deprived third across; each cell names its
   * class (title, aria-label) and shows its number of wards. */
  function gridKey(K) {
    var rows = [0, 1, 2].map(function (r) {
      return '<tr>' + K.cells.slice(r * 3, r * 3 + 3).map(function (c) {
        var name = c.label + ': ' + c.count + ' wards';
        return '<td style="background:' + c.colour + ';color:' + c.ink + '" title="' + name + '" aria-label="' +
          name + '">' + c.count + '</td>';
      }).join('') + '</tr>';
    }).join('');
    return '<div class="wl-grid"><span class="wl-y">' + K.y_title + '</span><table><caption>' + K.title +
      '</caption>' + rows + '</table><span class="wl-x">' + K.x_title + '</span></div>';
  }

  function legendControl(D) {
    var legend = L.control({position: 'bottomright'});
    legend.onAdd = function (map) {
      var div = L.DomUtil.create('div', 'wl-legend'), G = D.legend;
      function row(swatch, label, count) {
        return '<div class="wl-row">' + swatch + '<span>' + label + '</span><em>' + count + '</em></div>';
      }
      var shown = D.key ? G.entries.slice(-1) : G.entries;  // a bivariate key keeps only the no-data row
      var html = (D.key ? gridKey(D.key) : '') + shown.map(function (e) {
        return row('<i style="background:' + e.swatch + '"></i>', e.label, e.count);
      }).join('');
      var lines = G.target ? row('<i class="wl-line" style="border:2.4px solid ' + G.target_colour + '"></i>',
                                 G.target, '') : '';
      D.outlines.forEach(function (o) {
        lines += row('<i class="wl-line" style="border:2.2px ' + (o.dash ? 'dashed ' : 'solid ') + o.colour +
                     '"></i>', o.label, '');
      });
      if (lines) { html += '<div class="wl-sep"></div>' + lines; }
      var open = map.getSize().x >= PHONE_WIDTH ? ' open' : '';  /* collapsed on a phone: tap the title */
      div.innerHTML = '<details' + open + '><summary class="wl-title">' + G.title + '</summary>' +
        '<div class="wl-sub">' + G.unit + ' · ' + G.scheme + '</div>' +
        (G.note ? '<div class="wl-warn">⚠ ' + G.note + '</div>' : '') +
        (D.key ? '' : '<div class="wl-row wl-head"><span></span><em>' + D.noun + '</em></div>') + html + '</details>';
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    };
    return legend;
  }

  function tooltip(D, inT, inO) {
    return function (layer) {
      var i = layer.wlIndex, lad = D.lad_of[i] >= 0 ? D.lad_names[D.lad_of[i]] : '';
      return '<div class="wl-tip"><b>' + D.names[i] + '</b><span class="wl-muted">' + lad + '</span>' +
        '<div>' + D.label + ': <b>' + D.values[i] + '</b>' +
        (D.values[i] === D.no_data ? '' : ' <span class="wl-unit">' + D.unit + '</span>') + '</div>' +
        (D.warning ? '<div class="wl-warn">⚠ ' + D.warning + '</div>' : '') +
        (D.notes.length && D.notes[i] ? '<div class="wl-x">' + D.notes[i] + '</div>' : '') +
        (inT[i] ? '<div class="wl-target">Target ward</div>' : '') +
        (inO[i] ? '<div class="wl-note">Small ward: values by areal overlay</div>' : '') + '</div>';
    };
  }

  /* Pixels kept between a ward's tooltip and the map's edge. */
  var TIP_MARGIN = 4;
  /* The tooltip's offset from the pointer, above it or below it. */
  var TIP_OFFSET = {top: [0, -8], bottom: [0, 8]};

  /* A ward's tooltip that stays inside the map, even on a phone: no wider than the map, above the
   * pointer or, where that would cross the map's top, below it, and slid in from the left and right
   * edges (and from under the zoom buttons) with its arrow still on the pointer. */
  var WardTip = L.Tooltip.extend({
    _setPosition: function (pos) {
      var tip = this._container, map = this._map.getContainer().getBoundingClientRect();
      tip.style.setProperty('--wl-room', (map.width - 2 * TIP_MARGIN) + 'px');
      tip.style.setProperty('--wl-arrow', '0px');
      this._place(pos, 'top');
      if (tip.getBoundingClientRect().top < map.top + TIP_MARGIN) { this._place(pos, 'bottom'); }
      var r = tip.getBoundingClientRect(), half = r.width / 2 - 2 * TIP_MARGIN, left = map.left;
      var zoom = this._map.zoomControl && this._map.zoomControl.getContainer().getBoundingClientRect();
      if (zoom && r.top < zoom.bottom + TIP_MARGIN) { left = zoom.right; }
      var shift = Math.max(left + TIP_MARGIN - r.left, 0) + Math.min(map.right - TIP_MARGIN - r.right, 0);
      L.DomUtil.setPosition(tip, L.DomUtil.getPosition(tip).add([shift, 0]));
      tip.style.setProperty('--wl-arrow', Math.max(-half, Math.min(half, -shift)) + 'px');
    },
    _place: function (pos, direction) {
      this.options.direction = direction;
      this.options.offset = TIP_OFFSET[direction];
      L.Tooltip.prototype._setPosition.call(this, pos);
    }
  });

  /* Chromium puts every interactive SVG path in the Tab order: 280 ward shapes to tab through
   * before the list. They leave it (tabindex -1): by keyboard a ward is chosen from the ward
   * finder or the target list, and the map itself (one Tab stop) still pans and zooms with the
   * arrow and +/- keys. */
  if (root.L && root.L.Path) {
    root.L.Path.addInitHook(function () {
      this.on('add', function () { if (this._path) this._path.setAttribute('tabindex', '-1'); });
    });
  }

  /* What a screen reader hears on reaching the map, and how to choose a ward without it. */
  function describeMap(map, text) {
    var box = map.getContainer();
    box.setAttribute('role', 'region');
    box.setAttribute('aria-label', text);
  }

  WL.wardLayer = function (D) {
    definePatterns();
    var S = D.style, inT = {}, inO = {};
    D.targets.forEach(function (i) { inT[i] = 1; });
    D.overlay.forEach(function (i) { inO[i] = 1; });
    var holder = L.featureGroup(), wards = L.featureGroup(), targets = L.featureGroup();
    var shapes = D.shapes.map(function (g) {
      return g.map(function (poly) { return poly.map(function (r) { return WL.decode(r, D.factor); }); });
    });
    shapes.forEach(function (ll, i) {
      var poly = L.polygon(ll, {fillColor: D.fills[i], fillOpacity: 0.82, color: '#ffffff', weight: S.weights.ward,
                                opacity: 0.9});
      poly.wlIndex = i;
      wards.addLayer(poly);
      if (inT[i]) { targets.addLayer(outline(ll, 'targets', S.target, S.weights.target)); }
    });
    wards.bindTooltip(new WardTip({sticky: true, className: 'wl-tooltip'}).setContent(tooltip(D, inT, inO)));
    wards.on('mouseover', function (e) { e.layer.setStyle({weight: 2, color: '#222222'}); });
    wards.on('mouseout', function (e) { e.layer.setStyle({weight: S.weights.ward, color: '#ffffff'}); });
    holder.addLayer(wards);
    holder.addLayer(targets);
    D.outlines.forEach(function (o) {
      var g = L.featureGroup();
      o.wards.forEach(function (i) {
        g.addLayer(outline(shapes[i], 'flags', o.colour, S.weights.flag, {dashArray: o.dash}));
      });
      holder.addLayer(g);
    });
    holder.wlShapes = shapes;
    holder.wlStyle = S;
    var legend = legendControl(D), names = null;
    holder.on('add', function () {
      var map = holder._map;
      if (!map.wlFitted && map.getSize().x < PHONE_WIDTH) {
        /* The page fits the area leaving room for the open legend; on a phone the legend starts
         * collapsed, so the area takes the whole map (once: later layers keep the reader's view). */
        map.fitBounds(wards.getBounds(), {padding: [12, 12]});
        map.wlFitZoom = map.getZoom();
      }
      map.wlFitted = true;
      describeMap(map, 'Map of the wards. Arrow keys pan, plus and minus zoom. To choose a ward by keyboard, ' +
                       'use “Find a ward” under the map or the target list.');
      legend.addTo(map);
      var order = D.targets.concat(D.names.map(function (n, i) { return i; }).filter(function (i) { return !inT[i]; }));
      var from = D.names.length <= FEW_WARDS ? Math.min(S.label_zoom, map.wlFitZoom) : S.label_zoom;
      names = nameLayer(map, order.map(function (i) { return [D.names[i], D.points[i][0], D.points[i][1]]; }),
                        from, 'wl-ward-name', 0);
      if (map.getPane('labels')) { names.addTo(map); }
    });
    holder.on('remove', function () { legend.remove(); if (names) { names.remove(); } });
    return holder;
  };

  /* LAD boundaries decoded from polylines, drawn as thin dark lines in the 'lads' pane. */
  WL.ladLines = function (G, f, colour, weight) {
    var lines = [];
    G.forEach(function (g) {
      (Array.isArray(g[0]) ? [].concat.apply([], g) : g).forEach(function (s) { lines.push(WL.decode(s, f)); });
    });
    return L.polyline(lines, {pane: 'lads', color: colour, weight: weight, opacity: 0.85, interactive: false});
  };

  /* On a touch screen one finger scrolls the page past the map and two fingers move it (Leaflet pans
   * the map with a pinch's middle), so a phone's reader is never caught in it; a hint says so when one
   * finger tries. The browser may scroll the page from the map (touch-action, wardlens.css); each
   * press turns Leaflet's dragging off for a finger and on for a mouse or pen, before Leaflet sees it. */
  function shareTouch(map) {
    var box = map.getContainer(), hint = L.DomUtil.create('div', 'wl-hint', box), timer = null;
    hint.textContent = 'Use two fingers to move the map';
    hint.setAttribute('aria-hidden', 'true');  /* for fingers only: the map's label tells the keys */
    function press(e) {
      if (e.pointerType === 'touch') { map.dragging.disable(); } else { map.dragging.enable(); }
    }
    function swipe(e) {
      L.DomUtil[e.touches.length === 1 ? 'addClass' : 'removeClass'](hint, 'wl-shown');
      clearTimeout(timer);
      timer = setTimeout(function () { L.DomUtil.removeClass(hint, 'wl-shown'); }, HINT_SECONDS * 1000);
    }
    box.addEventListener('pointerdown', press, true);
    box.addEventListener('touchmove', swipe, {passive: true});
    map.on('unload', function () {  /* a new area: the next map is made in the same box */
      box.removeEventListener('pointerdown', press, true);
      box.removeEventListener('touchmove', swipe, {passive: true});
      clearTimeout(timer);
      L.DomUtil.remove(hint);
    });
  }

  /* The map frame (layers/mapview.py MapFrame): fitted to the area, panes, borders, place names, tiles. */
  function makeMap(box, F) {
    var map = L.map(box, {zoomSnap: 0.25, zoomDelta: 0.5, minZoom: 5, maxZoom: 16});
    L.control.scale().addTo(map);
    shareTouch(map);
    F.panes.forEach(function (p) {
      map.createPane(p[0]);
      map.getPane(p[0]).style.zIndex = p[1];
      map.getPane(p[0]).style.pointerEvents = 'none';
    });
    if (F.tiles) {
      var tiles = L.tileLayer(F.tiles, {attribution: F.tiles_attribution, maxZoom: 19, opacity: 0.55}).addTo(map);
      WL.tileNotice(map, tiles);
    }
    if (F.lad_lines.length) { WL.ladLines(F.lad_lines, F.factor, F.lad_colour, F.lad_weight).addTo(map); }
    map.fitBounds(F.bounds, {paddingTopLeft: [10, 10], paddingBottomRight: F.clearance});
    map.wlFitZoom = map.getZoom();
    WL.placeNames(map, F.labels, F.label_zoom);
    return map;
  }

  function drawSelection(S) {
    S.selection.clearLayers();
    var ll = S.layer && S.layer.wlShapes[S.selected], W = S.layer && S.layer.wlStyle;
    if (!ll) { return; }
    S.selection.addLayer(outline(ll, 'selected', '#ffffff', W.weights.selected * 2, {opacity: 0.9}));
    S.selection.addLayer(outline(ll, 'selected', W.selected, W.weights.selected));
  }

  /* Draw the map document D (layers/mapview.py map_document) in box, keeping what has not changed:
   * the map is rebuilt only when the area frame changes, the ward layer swapped only when the layer
   * does, so the reader's pan and zoom stay. A click reports its point to onClick(lat, lng) and
   * outlines the ward at once; a new map starts with the ward at index selected outlined. */
  WL.mount = function (box, D, onClick, selected) {
    L.DomUtil.addClass(box, 'wl-map');  /* its height at most 60% of a narrow screen's (wardlens.css) */
    box.style.height = D.height + 'px';
    if (!box.wlResized) {  /* a turned phone, a resized window: Leaflet fills the box it is given */
      box.wlResized = new ResizeObserver(function () { if (box.wlMap) { box.wlMap.map.invalidateSize(); } });
      box.wlResized.observe(box);
    }
    var S = box.wlMap;
    if (!S || S.frameId !== D.frame.id) {
      if (S) { S.map.remove(); }
      S = box.wlMap = {frameId: D.frame.id, map: makeMap(box, D.frame), layer: null, layerId: null,
                       selection: L.layerGroup(), selected: selected === undefined ? -1 : selected,
                       onClick: null};
      S.selection.addTo(S.map);
      S.map.on('click', function (e) {
        if (S.onClick) { S.onClick(e.latlng.lat, e.latlng.lng); }
      });
    }
    S.onClick = onClick || null;
    if (S.layerId !== D.layer_id) {
      if (S.layer) { S.map.removeLayer(S.layer); }
      S.layer = WL.wardLayer(D.layer);
      S.layer.on('click', function (e) { S.selected = (e.sourceTarget || e.layer).wlIndex; drawSelection(S); });
      S.layer.addTo(S.map);
      S.layerId = D.layer_id;
      drawSelection(S);
    }
  };

  /* Outline the ward at index (-1: none) on the map drawn in box. */
  WL.select = function (box, index) {
    var S = box.wlMap;
    if (!S) { return; }
    S.selected = index;
    drawSelection(S);
  };
})(window);
