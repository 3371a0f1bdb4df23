// The tab bar: one panel visible at a time; arrow keys move between tabs.

/** Wires the tabs of `nav`; `onShow(panelId)` runs whenever a panel becomes visible. */
export class Tabs {
  constructor(nav, onShow) {
    this.tabs = [...nav.querySelectorAll('[role="tab"]')];
    this.onShow = onShow;
    this.current = this.tabs.find((tab) => tab.getAttribute("aria-selected") === "true").dataset.panel;
    for (const tab of this.tabs) {
      tab.addEventListener("click", () => this.select(tab.dataset.panel));
      tab.addEventListener("keydown", (event) => this.onKey(event, tab));
    }
  }

  /** Shows the panel with id `panelId` and marks its tab selected. */
  select(panelId) {
    for (const tab of this.tabs) {
      const selected = tab.dataset.panel === panelId;
      tab.setAttribute("aria-selected", String(selected));
      tab.tabIndex = selected ? 0 : -1;
      document.getElementById(tab.dataset.panel).hidden = !selected;
    }
    this.current = panelId;
    this.onShow(panelId);
  }

  /** Whether the panel `panelId` is the one shown. */
  isShown(panelId) {
    return this.current === panelId;
  }

  onKey(event, tab) {
    const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
    if (!step) return;
    const index = (this.tabs.indexOf(tab) + step + this.tabs.length) % this.tabs.length;
    this.tabs[index].focus();
    this.select(this.tabs[index].dataset.panel);
  }
}
