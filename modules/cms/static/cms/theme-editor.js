/* The theme editor's live preview (modules/cms/templates/cms/vendor/theme_form.html).
   As the inputs change, the preview pane's CSS custom properties follow (through the CSSOM,
   which the Content Security Policy allows; no inline style is written). Choosing a colour
   scheme fills the colour inputs with its colours. Without this script the page still works:
   "Preview" shows the submitted theme from the server. */
(function () {
  "use strict";

  var form = document.querySelector("[data-theme-editor]");
  var pane = document.querySelector("[data-theme-preview]");
  if (!form || !pane) {
    return;
  }
  var KEYS = ["primary", "accent", "background", "text"];
  var HEX = /^#[0-9a-f]{6}$/i;

  function input(name) {
    return form.querySelector('[name="' + name + '"]');
  }

  function rgb(hex) {
    return [1, 3, 5].map(function (i) { return parseInt(hex.slice(i, i + 2), 16); });
  }

  function luminance(hex) {
    var c = rgb(hex).map(function (v) {
      v = v / 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  }

  /* Black or white, whichever reads better on the colour (as modules/cms/services/theme.py). */
  function readableOn(hex) {
    var lum = luminance(hex);
    return (lum + 0.05) / 0.0556 > 1.05 / (lum + 0.05) ? "#111111" : "#ffffff";
  }

  function mix(first, second, share) {
    var a = rgb(first);
    var b = rgb(second);
    return "#" + a.map(function (v, i) {
      var value = Math.round(v * share + b[i] * (1 - share));
      return ("0" + Math.max(0, Math.min(255, value)).toString(16)).slice(-2);
    }).join("");
  }

  function set(name, value) {
    pane.style.setProperty(name, value);
  }

  function apply() {
    var colours = {};
    KEYS.forEach(function (key) {
      var field = input(key);
      colours[key] = field && HEX.test(field.value) ? field.value : null;
    });
    if (KEYS.every(function (key) { return colours[key]; })) {
      set("--shop-primary", colours.primary);
      set("--shop-on-primary", readableOn(colours.primary));
      set("--shop-accent", colours.accent);
      set("--shop-on-accent", readableOn(colours.accent));
      set("--shop-background", colours.background);
      set("--shop-text", colours.text);
      set("--shop-muted", mix(colours.text, colours.background, 0.68));
      set("--shop-surface", mix(colours.text, colours.background, 0.04));
      set("--shop-border", mix(colours.text, colours.background, 0.14));
    }
    var font = input("font");
    var option = font && font.options[font.selectedIndex];
    if (option && option.dataset.stack) {
      set("--shop-font", option.dataset.stack);
    }
    var logo = input("logo");
    var picture = pane.querySelector("[data-preview-logo]");
    var chosen = logo && logo.options[logo.selectedIndex];
    if (picture) {
      if (chosen && chosen.dataset.url) {
        picture.src = chosen.dataset.url;
        picture.hidden = false;
      } else {
        picture.hidden = true;
      }
    }
  }

  /* A colour scheme chosen: its colours go into the colour inputs. */
  form.addEventListener("change", function (event) {
    var target = event.target;
    if (target.name === "preset" && target.checked) {
      KEYS.forEach(function (key) {
        var field = input(key);
        if (field && target.dataset[key]) {
          field.value = target.dataset[key];
        }
      });
      var source = input("colours_from");
      if (source) {
        source.value = target.value;
      }
    }
    apply();
  });
  form.addEventListener("input", apply);
  apply();
})();
