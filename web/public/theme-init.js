// Applies the saved theme before the first paint so the page never flashes or jumps.
(function () {
  try {
    var t = localStorage.getItem("acm.theme") || "system";
    var dark = t === "dark" || (t === "system" && matchMedia("(prefers-color-scheme: dark)").matches);
    document.documentElement.classList.toggle("dark", dark);
  } catch (e) {
    /* storage disabled: keep the light theme */
  }
})();
