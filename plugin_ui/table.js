// A small data grid: filter, sort by column, pages of 10; rows may expand into a detail row.
import { h, uid } from "./dom.js";

/**
 * columns: [{key, label, value?(row) → sortable text, cell?(row) → node}]
 * options: {pageSize, filterLabel, empty, detail?(row) → Promise<node>, rowActions?(row) → [node]}
 */
export function dataGrid(columns, rows, options = {}) {
  const pageSize = options.pageSize || 10;
  const state = { filter: "", sortKey: null, descending: false, page: 0, open: new Set() };
  const value = (col, row) => String(col.value ? col.value(row) : row[col.key] ?? "");
  const filterId = uid("filter");
  const filter = h("input", { id: filterId, type: "search", class: "clr-input", placeholder: "Filter",
    oninput: (e) => { state.filter = e.target.value.toLowerCase(); state.page = 0; draw(); } });
  const body = h("tbody");
  const headCells = columns.map((col) => h("th", { scope: "col" },
    h("button", { type: "button", class: "btn btn-link btn-sm vic-sort", onclick: () => sortBy(col) }, col.label)));
  const pager = h("div", { class: "vic-pager" });
  const table = h("table", { class: "table table-compact vic-grid" },
    h("thead", {}, h("tr", {}, options.detail ? h("th", { class: "vic-expander" },
      h("span", { class: "vic-offscreen" }, "Details")) : null, ...headCells,
    options.rowActions ? h("th", {}, "Actions") : null)), body);

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
    const all = visibleRows();
    const pages = Math.max(1, Math.ceil(all.length / pageSize));
    state.page = Math.min(state.page, pages - 1);
    const shown = all.slice(state.page * pageSize, (state.page + 1) * pageSize);
    body.replaceChildren();
    if (!shown.length) {
      body.append(h("tr", {}, h("td", { colspan: columns.length + 2, class: "vic-empty" },
        options.empty || "Nothing to show")));
    }
    for (const row of shown) drawRow(row, columns.length + (options.detail ? 1 : 0) + (options.rowActions ? 1 : 0));
    pager.replaceChildren(
      h("span", {}, `${all.length ? state.page * pageSize + 1 : 0}–${state.page * pageSize + shown.length} of ${all.length}`),
      h("button", { type: "button", class: "btn btn-sm btn-link", disabled: state.page === 0,
        onclick: () => { state.page -= 1; draw(); } }, "Previous page"),
      h("button", { type: "button", class: "btn btn-sm btn-link", disabled: state.page >= pages - 1,
        onclick: () => { state.page += 1; draw(); } }, "Next page"));
  }

  function drawRow(row, width) {
    const key = row.id || row.name;
    const open = state.open.has(key);
    const tr = h("tr", { "data-row": key },
      options.detail ? h("td", {}, h("button", { type: "button", class: "btn btn-sm btn-link vic-toggle",
        "aria-expanded": String(open), onclick: () => { open ? state.open.delete(key) : state.open.add(key); draw(); } },
      open ? "Hide log" : "Log")) : null,
      ...columns.map((col) => h("td", {}, col.cell ? col.cell(row) : value(col, row))),
      options.rowActions ? h("td", { class: "vic-row-actions" }, ...options.rowActions(row)) : null);
    body.append(tr);
    if (open) {
      const cell = h("td", { colspan: width }, "Loading…");
      body.append(h("tr", { class: "vic-detail" }, cell));
      options.detail(row).then((node) => cell.replaceChildren(node), (err) => cell.replaceChildren(err.message));
    }
  }

  draw();
  return h("div", { class: "vic-grid-wrap" },
    h("div", { class: "vic-grid-tools" }, h("label", { for: filterId, class: "clr-control-label" }, options.filterLabel || "Filter"), filter),
    table, pager);
}
