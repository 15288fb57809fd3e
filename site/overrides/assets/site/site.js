/* Material's inline start-up helpers, moved into a file so the site runs
   under a Content-Security-Policy without 'unsafe-inline' scripts.
   Loaded in <head> before Material's bundle, which expects these globals. */
(function () {
  var script = document.currentScript;
  // Material shows its script-only controls (search) when "no-js" is gone.
  document.documentElement.classList.remove("no-js");
  document.documentElement.classList.add("js");
  // This file sits at <site root>/assets/site/site.js.
  window.__md_scope = new URL("../../", script.src);
  window.__md_hash = function (value) {
    return Array.prototype.reduce.call(value, function (hash, char) {
      return (hash << 5) - hash + char.charCodeAt(0);
    }, 0);
  };
  window.__md_get = function (key, storage, scope) {
    storage = storage || localStorage;
    scope = scope || window.__md_scope;
    return JSON.parse(storage.getItem(scope.pathname + "." + key));
  };
  window.__md_set = function (key, value, storage, scope) {
    storage = storage || localStorage;
    scope = scope || window.__md_scope;
    try {
      storage.setItem(scope.pathname + "." + key, JSON.stringify(value));
    } catch (e) {
      /* Storage may be full or disabled; the site works without it. */
    }
  };
  // Material's content.html: open a tab when the address points at it.
  document.addEventListener("DOMContentLoaded", function () {
    var target = document.getElementById(location.hash.slice(1));
    if (target && target.name) {
      target.checked = target.name.indexOf("__tabbed_") === 0;
    }
  });

  // Material's bundle is only needed for search. main.html writes its
  // <script> tags as data-fp-src; load them the first time search is used.
  var loading = false;
  function loadMaterial() {
    if (loading) {
      return;
    }
    loading = true;
    var scripts = Array.prototype.slice.call(
      document.querySelectorAll("script[data-fp-src]")
    );
    (function next() {
      var pending = scripts.shift();
      if (!pending) {
        // Material starts on DOMContentLoaded, which has already happened.
        document.dispatchEvent(new Event("DOMContentLoaded"));
        var input = document.querySelector(".md-search__input");
        var toggle = document.getElementById("__search");
        if (input && toggle && toggle.checked) {
          input.focus();
        }
        return;
      }
      var script = document.createElement("script");
      script.src = pending.getAttribute("data-fp-src");
      script.onload = next;
      document.body.appendChild(script);
    })();
  }
  document.addEventListener("DOMContentLoaded", function () {
    // The header's menu and search icons are <label>s for hidden checkboxes;
    // make them reachable and usable with a keyboard too.
    var buttons = document.querySelectorAll(".md-header label.md-header__button[for]");
    Array.prototype.forEach.call(buttons, function (label) {
      label.setAttribute("tabindex", "0");
      label.setAttribute("role", "button");
      label.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          label.click();
        }
      });
    });
    var toggle = document.getElementById("__search");
    var input = document.querySelector(".md-search__input");
    if (toggle) {
      toggle.addEventListener("change", loadMaterial);
    }
    if (input) {
      input.addEventListener("focus", loadMaterial);
      input.addEventListener("input", loadMaterial);
    }
  });
})();
