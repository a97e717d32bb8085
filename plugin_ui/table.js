// A small data grid: filter, sort by column, pages of 10; each row may have a menu of actions and expand into a
// detail row. Only one page of rows is in the DOM, so a list of thousands stays quick.
import { h, uid } from "./dom.js";

/**
 * columns: [{key, label, value?(row) → sortable text, cell?(row) → node, className?}]
 * options: {pageSize, filterLabel, empty, noMatch?(filter) → text, detail?(row) → Promise<node>,
 *           actions?(row) → [{action, label, run(), danger?}], rowLabel?(row) → text}
 */
export function dataGrid(columns, rows, options = {}) {
  const pageSize = options.pageSize || 10;
  const state = { filter: "", sortKey: null, descending: false, page: 0, open: new Set() };
  const value = (col, row) => String(col.value ? col.value(row) : row[col.key] ?? "");
  const filterId = uid("filter");
  const filter = h("input", { id: filterId, type: "search", class: "clr-input", placeholder: "Filter",
    oninput: (e) => { state.filter = e.target.value.trim().toLowerCase(); state.raw = e.target.value.trim(); state.page = 0; draw(); } });
  const body = h("tbody");
  const headCells = columns.map((col) => h("th", { scope: "col", class: col.className || "", "aria-sort": "none" },
    h("button", { type: "button", class: "btn btn-link btn-sm vic-sort", onclick: () => sortBy(col) }, col.label)));
  const pager = h("div", { class: "vic-pager", role: "navigation", "aria-label": "Pages" });
  const width = columns.length + (options.actions ? 1 : 0);
  const table = h("table", { class: "table table-compact vic-grid" },
    h("thead", {}, h("tr", {}, ...headCells,
      options.actions ? h("th", { class: "vic-actions-col" }, h("span", { class: "vic-offscreen" }, "Actions")) : null)), body);
  let openMenu = null;

  function sortBy(col) {
    state.descending = state.sortKey === col.key ? !state.descending : false;
    state.sortKey = col.key;
    headCells.forEach((th, i) => th.setAttribute("aria-sort", columns[i].key === col.key
      ? (state.descending ? "descending" : "ascending") : "none"));
    draw();
  }

  function visibleRows() {
    let out = rows.filter((row) => !state.filter
      || columns.some((col) => value(col, row).toLowerCase().includes(state.filter)));
    const col = columns.find((c) => c.key === state.sortKey);
    if (col) {
      out = [...out].sort((a, b) => value(col, a).localeCompare(value(col, b), undefined, { numeric: true }));
      if (state.descending) out.reverse();
    }
    return out;
  }

  function draw() {
    closeMenu(false);
    const all = visibleRows();
    const pages = Math.max(1, Math.ceil(all.length / pageSize));
    state.page = Math.min(state.page, pages - 1);
    const shown = all.slice(state.page * pageSize, (state.page + 1) * pageSize);
    body.replaceChildren();
    if (!shown.length) {
      const text = rows.length && state.filter
        ? (options.noMatch ? options.noMatch(state.raw) : `Nothing matches “${state.raw}”.`)
        : (options.empty || "Nothing to show");
      body.append(h("tr", {}, h("td", { colspan: width, class: "vic-empty" }, text)));
    }
    for (const row of shown) drawRow(row);
    const first = all.length ? state.page * pageSize + 1 : 0;
    pager.replaceChildren(
      h("span", { class: "vic-count" }, !all.length ? `0 of ${rows.length}${state.filter ? " match" : ""}`
        : `${first}–${state.page * pageSize + shown.length} of ${all.length}${state.filter && all.length !== rows.length
          ? ` matching (${rows.length} in all)` : ""}`),
      h("button", { type: "button", class: "btn btn-sm btn-link", disabled: state.page === 0,
        onclick: () => { state.page -= 1; draw(); } }, "Previous page"),
      h("span", { class: "vic-page-of" }, `Page ${state.page + 1} of ${pages}`),
      h("button", { type: "button", class: "btn btn-sm btn-link", disabled: state.page >= pages - 1,
        onclick: () => { state.page += 1; draw(); } }, "Next page"));
  }

  function drawRow(row) {
    const key = row.id || row.name;
    const open = state.open.has(key);
    const toggle = () => { open ? state.open.delete(key) : state.open.add(key); draw(); };
    const tr = h("tr", { "data-row": key, class: open ? "vic-open" : "" },
      ...columns.map((col) => h("td", { class: col.className || "" }, col.cell ? col.cell(row) : value(col, row))),
      options.actions ? h("td", { class: "vic-row-actions" }, rowMenu(row, options.detail && (!options.hasDetail || options.hasDetail(row))
        ? [...options.actions(row), { action: "log", label: open ? "Hide deployment log" : "Show deployment log", run: toggle }]
        : options.actions(row))) : null);
    body.append(tr);
    if (open) {
      const cell = h("td", { colspan: width }, "Loading…");
      body.append(h("tr", { class: "vic-detail" }, cell));
      options.detail(row).then((node) => cell.replaceChildren(node),
        (err) => cell.replaceChildren(h("span", { class: "vic-muted" }, options.detailError ? options.detailError(err) : err.message)));
    }
  }

  // The row's actions behind one button: a menu (arrow keys, Enter, Escape), placed inside the view.
  function rowMenu(row, actions) {
    const label = options.rowLabel ? options.rowLabel(row) : row.name;
    const menuId = uid("menu");
    const button = h("button", { type: "button", class: "btn btn-sm btn-link vic-row-menu", "aria-haspopup": "menu",
      "aria-expanded": "false", "aria-controls": menuId, "aria-label": `Actions for ${label}`, title: "Actions",
      onclick: (e) => { e.stopPropagation(); if (openMenu && openMenu.button === button) closeMenu(true); else show(); } }, "⋮");
    const items = actions.filter(Boolean).map((a) => h("button", { type: "button", role: "menuitem", tabindex: "-1",
      class: `vic-menu-item${a.danger ? " vic-danger" : ""}`, "data-action": a.action,
      onclick: (e) => { e.stopPropagation(); closeMenu(false); a.run(); } }, a.label));
    const menu = h("div", { class: "vic-menu", role: "menu", id: menuId, "aria-label": `Actions for ${label}`, hidden: true,
      onkeydown: (e) => keys(e) }, ...items);

    function keys(e) {
      const at = items.indexOf(document.activeElement);
      const move = { ArrowDown: 1, ArrowUp: -1 }[e.key];
      if (move) { e.preventDefault(); items[(at + move + items.length) % items.length].focus(); }
      else if (e.key === "Home") { e.preventDefault(); items[0].focus(); }
      else if (e.key === "End") { e.preventDefault(); items[items.length - 1].focus(); }
      else if (e.key === "Escape") { e.preventDefault(); e.stopPropagation(); closeMenu(true); }
      else if (e.key === "Tab") closeMenu(false);
    }

    function show() {
      closeMenu(false);
      menu.hidden = false;
      button.setAttribute("aria-expanded", "true");
      // Fixed, so no scrolling box cuts it; above the button when it would run off the bottom of the view.
      const spot = button.getBoundingClientRect();
      menu.style.top = "0px";
      menu.style.left = "0px";
      const size = menu.getBoundingClientRect();
      const below = spot.bottom + 2 + size.height <= window.innerHeight;
      menu.style.top = `${Math.max(0, below ? spot.bottom + 2 : spot.top - 2 - size.height)}px`;
      menu.style.left = `${Math.max(0, Math.min(spot.right - size.width, window.innerWidth - size.width))}px`;
      openMenu = { button, menu };
      items[0]?.focus({ preventScroll: true });
    }
    return h("div", { class: "vic-menu-holder" }, button, menu);
  }

  function closeMenu(refocus) {
    if (!openMenu) return;
    openMenu.menu.hidden = true;
    openMenu.button.setAttribute("aria-expanded", "false");
    if (refocus) openMenu.button.focus();
    openMenu = null;
  }
  document.addEventListener("click", () => closeMenu(false));
  window.addEventListener("scroll", () => closeMenu(false), true);
  window.addEventListener("resize", () => closeMenu(false));

  draw();
  return h("div", { class: "vic-grid-wrap" },
    h("div", { class: "vic-grid-tools" }, h("label", { for: filterId, class: "clr-control-label" }, options.filterLabel || "Filter"), filter),
    h("div", { class: "vic-grid-scroll" }, table), pager);
}
